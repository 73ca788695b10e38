"""Hand-written claims for the paraphrase test: each campaign claim in six wordings (English,
French, German, and a reworded version in each), and organic posts on the same election
topics that make other claims (hard negatives: same words, different statement)."""

CAMPAIGN = [
    [
        "The election results in the north were manipulated by postal vote fraud.",
        "Les résultats de l'élection dans le nord ont été truqués par une fraude au vote par "
        "correspondance.",
        "Die Wahlergebnisse im Norden wurden durch Briefwahlbetrug manipuliert.",
        "Postal ballot fraud rigged the vote count in the northern regions.",
        "Dans le nord, le vote par correspondance a servi à truquer le scrutin.",
        "Im Norden wurde die Wahl mit gefälschten Briefwahlstimmen manipuliert.",
    ],
    [
        "The candidate secretly plans to abolish pensions for retirees.",
        "Le candidat prévoit en secret de supprimer les retraites.",
        "Der Kandidat plant heimlich, die Renten abzuschaffen.",
        "Behind closed doors, the candidate intends to scrap retirement pensions.",
        "En coulisses, le candidat veut abolir les pensions de retraite.",
        "Hinter verschlossenen Türen will der Kandidat die Altersrenten streichen.",
    ],
    [
        "Voting machines were hacked by a foreign government.",
        "Les machines de vote ont été piratées par un gouvernement étranger.",
        "Die Wahlmaschinen wurden von einer ausländischen Regierung gehackt.",
        "A foreign state hacked into the electronic voting machines.",
        "Un État étranger a piraté les machines à voter électroniques.",
        "Ein fremder Staat hat sich in die elektronischen Wahlgeräte gehackt.",
    ],
    [
        "The minister was paid by a Russian company to block the energy law.",
        "Le ministre a été payé par une entreprise russe pour bloquer la loi sur l'énergie.",
        "Der Minister wurde von einer russischen Firma bezahlt, um das Energiegesetz zu "
        "blockieren.",
        "A Russian firm bribed the minister to stop the energy bill.",
        "Une société russe a soudoyé le ministre pour qu'il bloque la loi énergétique.",
        "Eine russische Firma hat den Minister bestochen, damit er das Energiegesetz stoppt.",
    ],
    [
        "Thousands of dead people are still registered on the electoral rolls.",
        "Des milliers de personnes décédées sont encore inscrites sur les listes électorales.",
        "Tausende Verstorbene stehen noch immer im Wählerverzeichnis.",
        "The voter lists still include thousands of deceased citizens.",
        "Les listes électorales comptent toujours des milliers de morts.",
        "Im Wählerverzeichnis sind weiterhin tausende tote Bürger eingetragen.",
    ],
]

ORGANIC = [
    "Polling stations open at 8 am on Sunday.",
    "Les bureaux de vote ouvrent à 8 heures dimanche.",
    "Die Wahllokale öffnen am Sonntag um 8 Uhr.",
    "Don't forget to bring your ID card when you go to vote.",
    "N'oubliez pas votre carte d'identité pour aller voter.",
    "The televised debate between the candidates is tonight at 9 pm.",
    "Le débat télévisé entre les candidats a lieu ce soir à 21 heures.",
    "Das TV-Duell der Kandidaten läuft heute Abend um 21 Uhr.",
    "Turnout in the first round was higher than in the last election.",
    "La participation au premier tour était plus élevée qu'à la dernière élection.",
    "The candidate presented her plan for pensions at the rally yesterday.",
    "Die Kandidatin hat gestern ihr Rentenkonzept auf der Kundgebung vorgestellt.",
    "Applications for postal voting must be submitted by Friday.",
    "Les demandes de vote par correspondance doivent être déposées avant vendredi.",
    "The energy law will be debated in parliament next week.",
    "Das Energiegesetz wird nächste Woche im Bundestag beraten.",
    "You can check your registration on the electoral rolls at the town hall.",
    "Vous pouvez vérifier votre inscription sur les listes électorales à la mairie.",
    "Electronic voting machines are tested by independent experts before each election.",
    "I think the debate was boring and nobody really won.",
    "Le débat était ennuyeux, personne n'a vraiment gagné à mon avis.",
    "Ich fand die Debatte langweilig, niemand hat wirklich gewonnen.",
    "Great atmosphere at the campaign rally in the city centre tonight.",
    "Super ambiance au meeting de campagne ce soir en centre-ville.",
]
