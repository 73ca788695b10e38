"""A small hand-written set of election claims in French, English and German, each worded
three ways per language.

Why hand-written: paraphrase campaigns (the same claim reworded or machine-translated and
posted by separate accounts) must be tested on texts that share a meaning but few words, and
no model may be downloaded at run time. Every variant of a claim says the same thing; the
variants were written to differ in wording and order, as an LLM asked to "reword this" or
"translate this" would make them. ``{target}`` is the targeted candidate's name. The claims are
invented and name fictional people only.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("fr", "en", "de")

# claim id -> language -> variants
CLAIMS: dict[str, dict[str, tuple[str, ...]]] = {
    "K01": {
        "fr": (
            "Des milliers de procurations ont été signées par des personnes décédées, "
            "et personne n'en parle.",
            "On a retrouvé des procurations au nom de morts, par milliers. Silence total "
            "des médias.",
            "Scandale : des défunts ont « donné procuration » pour ce scrutin. Des milliers "
            "de cas étouffés.",
        ),
        "en": (
            "Thousands of proxy votes were signed in the names of dead people, and nobody "
            "is talking about it.",
            "Dead voters handed out proxies by the thousands. The media stays silent.",
            "Scandal: deceased citizens somehow 'gave proxy' for this election. Thousands of "
            "cases buried.",
        ),
        "de": (
            "Tausende Vollmachten wurden im Namen von Verstorbenen unterschrieben, und "
            "niemand spricht darüber.",
            "Tote Wähler haben zu Tausenden Vollmachten erteilt. Die Medien schweigen.",
            "Skandal: Verstorbene haben angeblich ihre Stimme übertragen. Tausende Fälle "
            "werden vertuscht.",
        ),
    },
    "K02": {
        "fr": (
            "La campagne de {target} est financée en secret par une banque étrangère.",
            "Qui paie vraiment {target} ? Une banque étrangère, dans l'ombre.",
            "Révélation : l'argent de {target} vient discrètement d'un établissement "
            "bancaire hors de nos frontières.",
        ),
        "en": (
            "{target}'s campaign is secretly funded by a foreign bank.",
            "Who really pays for {target}? A bank abroad, behind closed doors.",
            "Revealed: the money behind {target} quietly comes from a lender outside the country.",
        ),
        "de": (
            "Der Wahlkampf von {target} wird heimlich von einer ausländischen Bank bezahlt.",
            "Wer finanziert {target} wirklich? Eine Bank im Ausland, ganz im Verborgenen.",
            "Enthüllt: Das Geld hinter {target} stammt still und leise von einem "
            "ausländischen Kreditinstitut.",
        ),
    },
    "K03": {
        "fr": (
            "Les machines à voter ont été reprogrammées pour faire perdre des voix à l'opposition.",
            "On a trafiqué le logiciel des machines de vote : les voix de l'opposition "
            "disparaissent.",
            "Des techniciens auraient modifié les urnes électroniques afin d'effacer "
            "une partie des bulletins opposants.",
        ),
        "en": (
            "The voting machines were reprogrammed to drop votes for the opposition.",
            "Someone tampered with the voting machine software: opposition votes vanish.",
            "Technicians reportedly altered the electronic ballot boxes to erase part of "
            "the opposition ballots.",
        ),
        "de": (
            "Die Wahlcomputer wurden umprogrammiert, damit Stimmen der Opposition verloren gehen.",
            "Jemand hat die Software der Wahlgeräte manipuliert: Stimmen der Opposition "
            "verschwinden.",
            "Techniker sollen die elektronischen Urnen verändert haben, um einen Teil der "
            "Oppositionsstimmen zu löschen.",
        ),
    },
    "K04": {
        "fr": (
            "Les sondages sont truqués : les instituts sont payés pour mettre {target} en tête.",
            "Sondages bidons ! Les instituts touchent de l'argent pour placer {target} devant.",
            "Ne croyez pas les enquêtes d'opinion, elles sont achetées pour que {target} "
            "paraisse favori.",
        ),
        "en": (
            "The polls are rigged: pollsters are paid to put {target} in the lead.",
            "Fake polls! Polling firms get money to push {target} to the top.",
            "Don't trust the surveys, they are bought so that {target} looks like the "
            "front-runner.",
        ),
        "de": (
            "Die Umfragen sind gefälscht: Institute werden bezahlt, um {target} vorne zu zeigen.",
            "Gefakte Umfragen! Meinungsforscher kassieren Geld, damit {target} führt.",
            "Glaubt den Erhebungen nicht, sie sind gekauft, damit {target} wie der Favorit "
            "aussieht.",
        ),
    },
    "K05": {
        "fr": (
            "Des bulletins déjà remplis ont été livrés par camion dans plusieurs bureaux "
            "de vote la nuit dernière.",
            "Cette nuit, des camions ont déposé des bulletins pré-remplis dans des bureaux "
            "de vote.",
            "Livraison nocturne suspecte : des cartons de bulletins cochés d'avance "
            "arrivés dans plusieurs mairies.",
        ),
        "en": (
            "Pre-filled ballots were delivered by truck to several polling stations last night.",
            "Last night, trucks dropped off already-marked ballots at polling places.",
            "Suspicious night delivery: boxes of ballots ticked in advance arrived at "
            "several town halls.",
        ),
        "de": (
            "Bereits ausgefüllte Stimmzettel wurden letzte Nacht per Lastwagen in mehrere "
            "Wahllokale gebracht.",
            "Heute Nacht haben Lastwagen vorab angekreuzte Stimmzettel bei Wahllokalen abgeladen.",
            "Verdächtige nächtliche Lieferung: Kartons mit vorausgefüllten Wahlzetteln in "
            "mehreren Rathäusern.",
        ),
    },
    "K06": {
        "fr": (
            "{target} a promis de supprimer les pensions de réversion, c'est écrit dans "
            "son programme caché.",
            "Dans le programme que {target} ne montre pas : la fin des pensions de réversion.",
            "Les veuves peuvent dire adieu à leur pension : {target} prévoit de la "
            "supprimer en douce.",
        ),
        "en": (
            "{target} has pledged to abolish survivors' pensions, it is written in a "
            "hidden programme.",
            "In the plan {target} won't show you: the end of survivors' pensions.",
            "Widows can say goodbye to their pension: {target} plans to quietly scrap it.",
        ),
        "de": (
            "{target} hat versprochen, die Hinterbliebenenrente abzuschaffen, das steht "
            "im geheimen Programm.",
            "Im Plan, den {target} nicht zeigt: das Ende der Witwenrente.",
            "Witwen können sich von ihrer Rente verabschieden: {target} will sie heimlich "
            "streichen.",
        ),
    },
    "K07": {
        "fr": (
            "Le dépouillement a été interrompu pendant deux heures sans aucune "
            "explication officielle.",
            "Deux heures de coupure dans le comptage des voix, et aucune explication "
            "des autorités.",
            "Pourquoi le décompte s'est-il arrêté deux heures ? Les autorités refusent "
            "de répondre.",
        ),
        "en": (
            "The vote count was halted for two hours without any official explanation.",
            "Two hours of blackout in the ballot count, and no explanation from the authorities.",
            "Why did the tally stop for two hours? Officials refuse to answer.",
        ),
        "de": (
            "Die Stimmauszählung wurde zwei Stunden lang ohne offizielle Erklärung unterbrochen.",
            "Zwei Stunden Pause bei der Auszählung, und keine Erklärung der Behörden.",
            "Warum stand die Zählung zwei Stunden still? Die Behörden verweigern die Antwort.",
        ),
    },
    "K08": {
        "fr": (
            "Un proche de {target} dirige la société qui imprime les bulletins de vote.",
            "L'imprimerie des bulletins ? Dirigée par un ami intime de {target}.",
            "Conflit d'intérêts : c'est un allié de {target} qui contrôle l'entreprise "
            "chargée d'imprimer les bulletins.",
        ),
        "en": (
            "A close associate of {target} runs the company that prints the ballots.",
            "The ballot printer? Run by a close friend of {target}.",
            "Conflict of interest: an ally of {target} controls the firm in charge of "
            "printing the ballots.",
        ),
        "de": (
            "Ein Vertrauter von {target} leitet die Firma, die die Stimmzettel druckt.",
            "Die Druckerei der Wahlzettel? Geführt von einem engen Freund von {target}.",
            "Interessenkonflikt: Ein Verbündeter von {target} kontrolliert das "
            "Unternehmen, das die Stimmzettel druckt.",
        ),
    },
}


def claim_text(claim_id: str, lang: str, variant: int, target: str) -> str:
    """One variant of a claim in ``lang``, the target's name filled in."""
    variants = CLAIMS[claim_id][lang]
    return variants[variant % len(variants)].replace("{target}", target)
