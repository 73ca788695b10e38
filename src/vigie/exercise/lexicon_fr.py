"""French vocabulary for the synthetic presidential election (all names are fictional).

Why so many fragments: texts are assembled from independent choices of these slots, and a
near-duplicate detector is only tested fairly if two organic posts almost never share more
than one or two consecutive slots by chance. With ~50-90 choices per slot and six to eight
slots per post, accidental near-duplicates are rare even among a million posts.
"""

from __future__ import annotations


def _lines(block: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in block.strip().splitlines() if s.strip())


CANDIDATES = (
    ("Claire Marchand", "claire_marchand"),
    ("Julien Roussel", "julienroussel"),
    ("Nadia Benali", "nadia_benali"),
    ("Thomas Lefèvre", "t_lefevre"),
    ("Hélène Garnier", "helenegarnier"),
)

MEDIA = (
    ("Le Quotidien National", "lequotidiennat"),
    ("Info Continue", "infocontinue"),
    ("Radio Hexagone", "radiohexagone"),
    ("Le Courrier du Matin", "courrierdumatin"),
    ("Régions Direct", "regionsdirect"),
    ("L'Observateur Politique", "obspolitique"),
    ("Actu24", "actu24fr"),
    ("La Gazette Éco", "gazetteeco"),
)

FIRST_NAMES = _lines(
    """
Camille Léa Manon Chloé Emma Inès Sarah Julie Laura Pauline Marie Anne Sophie Claire Lucie
Mathilde Alice Juliette Louise Zoé Jeanne Élise Margaux Océane Amandine Nathalie Isabelle
Sandrine Céline Valérie Karima Fatima Yasmine Aïcha Leïla Samira Maëlle Agathe Bérénice Solène
Lucas Hugo Louis Gabriel Arthur Jules Nathan Léo Théo Maxime Antoine Nicolas Julien Thomas
Alexandre Pierre Paul Jean François Olivier Laurent Stéphane Christophe Philippe Mathieu
Romain Kevin Mehdi Karim Yanis Sofiane Rayan Bilal Adrien Baptiste Quentin Florian Damien
Benoît Cédric Gaël Erwan Loïc Yannick Sébastien Vincent Guillaume Bastien Mickaël Fabrice
""".replace(" ", "\n")
)

LAST_NAMES = _lines(
    """
Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre
Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert
Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel
Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson
Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer
Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt
Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois
Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da-Silva
Hamidi Benali Haddad Traoré Diallo Kaci Mansouri Ferhat Le-Gall Le-Goff Kerbrat Quéré
""".replace(" ", "\n")
)

SUBJECTS = _lines("""
Claire Marchand
Julien Roussel
Nadia Benali
Thomas Lefèvre
Hélène Garnier
le gouvernement
le Premier ministre
la majorité sortante
l'opposition
le candidat de la droite
la candidate écologiste
le camp présidentiel
le ministre de l'Intérieur
la ministre de la Santé
le patronat
la CFDT
Bruxelles
le Conseil constitutionnel
la mairie de Paris
le président de région
la gauche unie
le Rassemblement citoyen
le Parti du Progrès
l'Alliance républicaine
le Mouvement vert
son directeur de campagne
l'équipe de Marchand
l'équipe de Roussel
le porte-parole de Benali
le QG de Lefèvre
l'entourage de Garnier
le président sortant
le Sénat
l'Assemblée
la Cour des comptes
le préfet
l'association des maires ruraux
un économiste de renom
un rapport parlementaire
la commission d'enquête
le programme de Marchand
le programme de Roussel
le projet de Benali
la proposition de Lefèvre
le chiffrage de Garnier
le dernier sondage
la presse régionale
l'éditorialiste du Courrier
la droite
la gauche
le centre
le mouvement des jeunes
la FNSEA
le syndicat des enseignants
le collectif des soignants
l'union des retraités
le patron du MEDEF
l'UNEF
la CGT
l'Élysée
""")

VERBS = _lines("""
veut supprimer
promet de défendre
s'attaque à
refuse de toucher à
propose de doubler
veut réformer
oublie complètement
a enfin chiffré
ment sur
découvre
soutient
abandonne
défend mordicus
critique
relance le débat sur
prépare en secret
a voté contre
a voté pour
veut geler
annonce une réforme de
remet en cause
promet de sauver
sacrifie
mise tout sur
ne dit rien sur
reste flou sur
a tout faux sur
fait campagne sur
propose de privatiser
veut nationaliser
s'engage sur
minimise
exagère
improvise sur
contredit son camp sur
a changé d'avis sur
renonce à
tient bon sur
met le paquet sur
veut taxer
promet de baisser
veut augmenter
dénonce
se moque de
fait l'impasse sur
s'inquiète pour
a enterré
veut relancer
propose un référendum sur
mise sur un compromis pour
promet la transparence sur
a caché la vérité sur
a sous-estimé
veut décentraliser
recycle une vieille idée sur
se réveille enfin sur
fait volte-face sur
instrumentalise
tape fort sur
veut simplifier
promet un choc sur
se contente de slogans sur
a un vrai plan pour
n'a aucun plan pour
joue avec
rassure sur
inquiète avec ses annonces sur
reprend nos idées sur
copie le programme adverse sur
veut moderniser
""")

OBJ_HEADS = _lines("""
la réforme
le financement
l'avenir
la fermeture
le prix
la sécurité
le budget
la défense
la baisse
la hausse
la suppression
le contrôle
la gratuité
la privatisation
le gel
la modernisation
la protection
le coût
la qualité
la transparence
la gestion
la situation
le désastre
le scandale
la crise
la relance
la transition
le sauvetage
la dette
le déficit
l'accès
le manque
la pénurie
l'explosion
le recul
l'effondrement
la simplification
la numérisation
le démantèlement
la rénovation
la réouverture
la réorganisation
la défiscalisation
la revalorisation
le plafonnement
""")

OBJ_QUALS = _lines("""
des retraites
de l'hôpital public
du pouvoir d'achat
des écoles rurales
de l'assurance chômage
du logement social
des services publics
de la police de proximité
de l'énergie nucléaire
des transports en commun
de la SNCF
des urgences
des lignes de bus
de la fonction publique
des petites entreprises
de l'agriculture bio
des aides au logement
de la justice
des prisons
des universités
de la recherche
des salaires des profs
du SMIC
des allocations familiales
de la sécurité sociale
des déserts médicaux
des pensions de réversion
de l'audiovisuel public
de la dette publique
des impôts locaux
de la TVA
de l'impôt sur le revenu
des carburants
de l'électricité
du gaz
des loyers
de l'apprentissage
de la formation professionnelle
des EHPAD
de la psychiatrie
des maternités
des commissariats
de l'armée
des frontières
de l'immigration
des collectivités locales
de la culture
du sport amateur
des associations
des routes départementales
des trains de nuit
du fret ferroviaire
des éoliennes
du photovoltaïque
de l'eau potable
des forêts
de la pêche
des quartiers populaires
des zones rurales
des outre-mer
de la Corse
du numérique
de l'intelligence artificielle
de la cybersécurité
des PME
des artisans
des commerçants
des jeunes agriculteurs
de la filière automobile
des ports
""")

COMPLEMENTS = _lines("""
dès la rentrée
sans aucun débat
pour les classes moyennes
à Marseille
en pleine campagne
avant le premier tour
d'ici 2030
dans les Hauts-de-France
en Bretagne
pour les plus modestes
au détriment des familles
sans consulter personne
sur le dos des salariés
en catimini
en direct ce soir
malgré les alertes
contre l'avis des experts
avec un budget fantôme
sans un euro de plus
en Occitanie
à Lyon
à Lille
à Toulouse
dans le Grand Est
en Nouvelle-Aquitaine
à Strasbourg
à Nantes
dans les campagnes
dans nos villages
dans les banlieues
pour faire plaisir aux marchés
pour calmer la rue
à trois semaines du vote
depuis cinq ans
comme en 2022
comme d'habitude
avec des chiffres faux
avec un plan crédible
sur un plateau télé
dans son meeting d'hier
sur France Inter ce matin
dans une interview au Courrier
devant les maires
face aux agriculteurs
devant les étudiants
à la radio
lors du débat
dans son livre
dans son programme
sur les réseaux
pour 12 milliards
pour 40 milliards
en cinq ans
en un quinquennat
dès juillet
dès le premier jour
sans étude d'impact
par ordonnances
par référendum
avec le soutien de Bruxelles
contre Bruxelles
en pleine crise
au pire moment
à contretemps
pour séduire les jeunes
pour rassurer les seniors
en oubliant les territoires
sans parler du financement
avec des promesses en l'air
""")

OPENERS = _lines("""
Franchement,
Incroyable :
Je le dis depuis des mois :
Donc si je comprends bien,
Encore une fois,
Sans surprise,
Bon.
Alors là,
Attention :
Info importante :
À retenir :
Petit rappel :
Honnêtement,
Et pendant ce temps,
Personne n'en parle mais
C'est officiel :
On apprend que
Grosse annonce :
Hallucinant :
Je découvre que
Pour info,
Rappel utile :
Bref,
Ah et au fait,
Soyons clairs :
Entre nous,
Faut-il le rappeler ?
Édifiant :
Au passage,
Question simple :
Vu au JT :
Lu dans la presse :
Selon le Courrier,
D'après Radio Hexagone,
Ce matin encore,
Hier soir,
Cette semaine,
Je résume :
En clair,
Vous l'avez vu ?
Quelle surprise :
Pas un mot sur ça :
Autrement dit,
Fact-check :
Mon avis :
Pour moi,
À mon humble avis,
Selon mes infos,
Dans ma ville,
Au travail tout le monde dit que
""")

CLOSERS = _lines("""
On en reparle ?
Lamentable.
Enfin une bonne nouvelle.
Qui va payer ?
À suivre.
Votez en conscience.
Ça promet.
Pathétique.
Bravo.
C'est une honte.
Merci qui ?
Je n'en reviens pas.
Ça suffit.
Partagez si vous êtes d'accord.
Il était temps.
Quelle blague.
On vous avait prévenus.
Courage à nous.
Rien de nouveau.
Ça fait peur.
Affligeant.
Bien joué.
Enfin du concret.
Le vrai débat est là.
Tout est dit.
Réveillez-vous.
C'est grave.
Chapeau.
Je demande à voir.
Ils nous prennent pour des idiots.
Je vote en avril, pas avant.
Aucun chiffrage sérieux.
Du grand n'importe quoi.
Le changement, c'est maintenant ?
Je reste sceptique.
Ça mérite débat.
Avis aux indécis.
Allez, au boulot.
Personne n'est dupe.
La campagne continue.
J'attends la suite.
Ça me rend fou.
Vivement le débat.
Mes parents sont inquiets.
Mon fils ne comprend pas.
Mes collègues sont furieux.
On y croit.
Dommage.
Bon courage aux équipes.
C'est pas sérieux.
Il faudra s'en souvenir.
Incompréhensible.
Chacun jugera.
Bonne soirée quand même.
Enfin quelqu'un qui ose.
Triste époque.
Rendez-vous dans les urnes.
Un peu de cohérence svp.
Je partage, à vous de voir.
Pas convaincu.
""")

QUESTIONS = _lines("""
Qui va vraiment payer pour
Pourquoi personne ne parle de
Quelqu'un a compris le plan pour
Combien coûte vraiment
Où est passé le débat sur
Quand est-ce qu'on parle sérieusement de
Qui croit encore aux promesses sur
Que proposent les candidats pour
Est-ce qu'un candidat a chiffré
Qui se soucie encore de
Pourquoi tant de silence sur
Vous pensez quoi de
Sérieusement, c'est quoi le plan pour
Qui a lu les propositions sur
À quand un vrai débat sur
Comment financer
Qui défend vraiment
Pourquoi on ne parle jamais de
Quel candidat s'occupe de
Vous votez en fonction de
""")

OPINIONS = _lines("""
Je trouve ça
C'est
Ce serait
Honnêtement c'est
Pour moi c'est
Franchement c'est
Je pense que c'est
Ça reste
On dirait
Je crains que ce soit
""")

OPINION_ADJ = _lines("""
une erreur
une bonne idée
irresponsable
courageux
démagogique
trop tard
insuffisant
cohérent
dangereux
indispensable
mal ficelé
bien vu
cynique
prometteur
inquiétant
logique
absurde
urgent
populiste
réaliste
""")

EMOJIS = _lines("""
😡
👏
🙄
🤔
😂
💪
🔥
😱
👉
🇫🇷
✊
🤦
👀
📢
😤
🙏
💯
⚠️
🗳️
📺
😔
🤷
✅
❌
😬
""")

HASHTAGS = _lines("""
presidentielle2027
election2027
debat
retraites
pouvoirdachat
hopital
ecologie
securite
immigration
education
marchand2027
roussel2027
benali2027
lefevre2027
garnier2027
jevote
premiertour
sondage
meeting
programme
smic
logement
agriculteurs
jeunesse
europe
climat
nucleaire
impots
dette
sante
police
justice
culture
ruralite
transports
energie
fiscalite
travail
chomage
handicap
feminisme
laicite
democratie
abstention
votez
franceinfo
directpolitique
le20h
matinale
legrandebat
factcheck
desintox
verifie
campagne2027
presidentielle
electionpresidentielle
vote
urnes
bulletin
isoloir
paris
marseille
lyon
lille
toulouse
bordeaux
nantes
strasbourg
bretagne
corse
outremer
banlieues
campagnes
territoires
fonctionpublique
profs
soignants
greve
manif
""")

SLOGANS = _lines("""
La France mérite mieux.
Ensemble, tout devient possible.
Le pouvoir au peuple, pas aux banques.
Ni oubliés ni sacrifiés.
Pour nos enfants, votons.
Une voix, un vote, un avenir.
Le vrai changement, c'est nous.
Debout pour la République.
L'avenir ne se négocie pas.
Nos retraites ne sont pas à vendre.
Sauvons l'hôpital public.
Le climat n'attend pas.
La jeunesse a des choses à dire.
Pas un euro de plus pour les privilégiés.
Fiers de nos territoires.
Travailler mieux, vivre mieux.
La sécurité est la première des libertés.
L'école, c'est l'avenir.
Votez, sinon d'autres le feront pour vous.
On ne lâche rien.
Le 10 avril, on vote.
Une France juste et forte.
Rendre la parole aux citoyens.
Libres, égaux, unis.
Le courage de dire la vérité.
""")

QUOTES = _lines("""
« Je ne serai pas la candidate des marchés, je serai celle des marchés du samedi matin. »
« Vous n'avez pas le monopole de la France qui travaille. »
« Gouverner, ce n'est pas promettre, c'est tenir. »
« La République ne recule jamais devant la peur. »
« Je préfère un pays qui doute à un pays qui se résigne. »
« On ne gouverne pas un pays avec des slogans. »
« Moi, je parle aux Français, pas aux sondeurs. »
« Le bon sens n'est ni de droite ni de gauche. »
« Chaque voix compte, même celle qui n'a jamais voté. »
« La dette, ce sont nos enfants qui la paieront. »
« L'écologie sans justice sociale, c'est du jardinage. »
« Je ne vous demande pas de m'aimer, je vous demande de me juger. »
""")

REPLY_OPENERS = _lines("""
N'importe quoi.
Tout à fait d'accord.
Source ?
Vous avez raison,
Faux :
Pas du tout,
Exactement.
Merci pour ce rappel.
Et alors ?
C'est plus compliqué que ça,
Je ne suis pas d'accord,
100 % d'accord.
Totalement faux.
Bien dit.
Vous oubliez que
Justement,
Ah bon ?
Relisez le programme,
Quel rapport ?
Mdr.
Oui mais
Non mais sérieusement,
Enfin !
Comme d'hab,
Vous êtes de mauvaise foi,
Argument recevable,
Je confirme,
Bof.
Pas faux.
Et les chiffres ?
""")

NEWS_LEADS = _lines("""
DIRECT |
ALERTE |
INFO |
URGENT |
EXCLUSIF |
SONDAGE |
DÉBAT |
VIDÉO |
BREAKING |
DERNIÈRE MINUTE |
""")

NEWS_DOMAINS = _lines("""
lequotidien-national.fr
infocontinue.fr
radiohexagone.fr
courrierdumatin.fr
regionsdirect.fr
obspolitique.fr
actu24.fr
gazette-eco.fr
lemonde.fr
lefigaro.fr
liberation.fr
francetvinfo.fr
ouest-france.fr
20minutes.fr
leparisien.fr
mediapart.fr
lesechos.fr
ladepeche.fr
sudouest.fr
lavoixdunord.fr
""")

SECTIONS = _lines("""
politique
elections
economie
societe
france
regions
international
debats
fact-check
environnement
""")

SLUG_WORDS = _lines(
    """
retraites hopital pouvoir-d-achat ecoles chomage logement services-publics police nucleaire
transports sncf urgences fonction-publique entreprises agriculture justice prisons universites
recherche smic allocations securite-sociale deserts-medicaux audiovisuel dette impots tva carburants
electricite gaz loyers apprentissage ehpad psychiatrie maternites armee frontieres immigration
culture sport associations eoliennes eau forets peche quartiers ruralite numerique ia cyber pme
candidat candidate meeting debat sondage programme promesse reforme budget deficit chiffrage
marchand roussel benali lefevre garnier premier-tour campagne vote electeurs abstention
""".replace(" ", "\n")
)

FAKE_NEWS_DOMAINS = _lines("""
verite-france-info.com
le-reveil-citoyen.net
patriote-actu.fr
france-libre-presse.com
linfo-cachee.net
resistance-info.org
lecho-des-territoires.info
journal-du-peuple.net
alerte-nationale.info
francais-debout.com
""")

PETITION_DOMAINS = _lines("""
change.org
mesopinions.com
petitions.assemblee-nationale.fr
""")

PETITION_TOPICS = _lines("""
sauvons-la-maternite-de-vierzon
non-a-la-fermeture-de-la-ligne-tgv
pour-un-vrai-debat-sur-le-climat
protegeons-nos-abeilles
maintien-des-urgences-de-nuit
contre-la-fermeture-de-notre-ecole
pour-la-reouverture-de-la-gare
justice-pour-les-aides-soignantes
sauvons-le-fret-ferroviaire
pour-un-referendum-sur-les-retraites
stop-aux-deserts-medicaux
egalite-salariale-maintenant
""")

LEAK = {
    "domain": "dossiers-marchand.net",
    "name": "Dossiers Marchand",
    "hashtag": "dossiersmarchand",
    "docs": _lines("""
    comptes-campagne
    mails-directeur-campagne
    financements-etrangers
    notes-internes-qg
    factures-meetings
    contrats-consultants
    sms-equipe
    agenda-cache
    virements-offshore
    rapport-confidentiel
    """),
}

NARRATIVE_SUBJECTS = _lines("""
le vote par correspondance
le système de vote électronique
l'institut de sondage officiel
le système médiatique
le camp Marchand
l'équipe de Roussel
le service des procurations
le Conseil constitutionnel
la préfecture de Paris
le fichier électoral
la mission d'observation
le ministère de l'Intérieur
""")

NARRATIVE_VERBS = _lines("""
cache
organise
prépare
truque
manipule
étouffe
finance
couvre
""")

NARRATIVE_OBJECTS = _lines("""
une fraude massive
le vrai résultat
des milliers de faux électeurs
un scandale d'État
la vérité sur les comptes
un coup d'État électoral
l'achat de voix
la censure des patriotes
des bulletins déjà remplis
un accord secret avec Bruxelles
des financements étrangers
la disparition des urnes
""")

NARRATIVE_TAILS = _lines("""
et personne n'en parle.
et les médias se taisent.
depuis des semaines.
avec la complicité de l'État.
dans toute la France.
pour voler l'élection.
sous nos yeux.
avant le 10 avril.
""")

CALLS = _lines("""
Partagez massivement !
Faites tourner avant censure.
Réveillez-vous !
Ne les laissez pas faire.
Diffusez partout.
Ils ne pourront pas tout cacher.
La vérité doit sortir.
RT pour informer.
Ouvrez les yeux.
Le 10 avril, souvenez-vous.
""")

CAMPAIGN_HASHTAGS = _lines("""
marchanddemission
stopmarchand
marchandmenteuse
fraudeelectorale2027
electiontruquee
votevole
rousseldehors
benalitrahison
lefevrescandale
garnierleaks
reveilfrancais
sondagesbidons
mediasmenteurs
laveritecachee
resistance2027
francedebout
onnelachepas
voteinutile
boycott2027
leaksmarchand
""")

BIO_FRAGMENTS = _lines("""
Citoyen engagé.
Papa de trois enfants.
Maman solo.
Prof des écoles.
Infirmière de nuit.
Passionné de politique.
Fan de foot.
Ingénieur à Lyon.
Étudiant en droit.
Agriculteur en Bretagne.
Retraité de la SNCF.
Amoureux de la France.
Écolo convaincue.
Syndicaliste.
Chef d'entreprise.
Journaliste indépendant.
Photographe amateur.
Lecteur compulsif.
Cycliste du dimanche.
Militant associatif.
Avis personnels.
RT ≠ adhésion.
Ici pour débattre.
Toulousain d'adoption.
Marseillais pur jus.
Parisienne fatiguée.
Lilloise.
Fier de ma région.
Bénévole aux Restos.
Aide-soignante.
""")

# --- newsrooms' verification desks and the press corps (vigie.exercise.organic_lit,
# press_corps) and what readers and Operation Overload-style accounts write when they tag
# them (vigie.exercise.literature, mention_bombing). Only read by presets that use them.

FACT_CHECKERS = (
    ("Vérif' Quotidien", "verif_quotidien"),
    ("Info Continue Vérifie", "infocontinue_verif"),
    ("Les Démêleurs", "lesdemeleurs"),
    ("Vrai ou Faux ?", "vraioufaux_fr"),
    ("Observatoire des Infox", "obs_infox"),
    ("Le Vrai du Faux Hexagone", "rh_vraidufaux"),
)

FACT_CHECKER_BIO = "Service de vérification des faits. Signalez-nous les infox."

FACT_CHECK_VERDICTS = _lines("""
FAUX :
TROMPEUR :
VRAI :
INVÉRIFIABLE :
SORTI DE SON CONTEXTE :
""")

JOURNALIST_BIOS = _lines("""
Journaliste politique à {outlet}.
Grand reporter, {outlet}.
Chef du service politique de {outlet}.
Journaliste à {outlet}. Élections, institutions.
Reporter pour {outlet}. DM ouverts.
""")

JOURNALIST_PITCHES = _lines("""
Mon article pour @{outlet} :
À lire sur @{outlet} :
Notre enquête avec @{colleague} pour @{outlet} :
Je reviens sur la campagne pour @{outlet} :
Mon papier avec @{colleague} (@{outlet}) :
""")

VERIFY_REQUESTS = _lines("""
Pouvez-vous vérifier ?
Est-ce que c'est vrai ?
C'est authentique ?
Merci de vérifier cette information.
Vous confirmez ?
Quelqu'un peut vérifier ça ?
Fake ou pas ?
Vous avez vu ça ?
Pourquoi personne n'en parle ?
Urgent, à vérifier.
Info ou intox ?
Pouvez-vous confirmer l'authenticité de cette vidéo ?
Vous allez en parler ou pas ?
J'aimerais votre avis de spécialistes.
""")

MEDIA_INTROS = _lines("""
Vidéo :
Cette vidéo circule partout :
Regardez :
Vu sur les réseaux :
Extrait d'un reportage :
Capture d'écran :
On m'a envoyé ça :
Ce document circule :
""")
