#!/usr/bin/env python3
"""Independent CIB scenario generator -> twarc2 (X API v2) JSON Lines pages.

Written from published reports only, by someone who had not read vigie's own generator
(``src/vigie/exercise/``), to check vigie on scenarios it was not built with: the organic
background, the campaigns and their parameters below come from the cited literature, not
from what vigie's detectors look for. It writes what a researcher's twarc2 collection
looks like, so the benchmark also exercises vigie's real X reader (``vigie ingest``).
``benchmarks/blind.py`` runs it, ingests, detects and scores (``blind/score.py``)::

    .venv/bin/python benchmarks/blind/gen.py --seed 1 --out /tmp/gen_1 [--stealth overt]

Same seed, same bytes: every random draw comes from one ``random.Random`` and one
``numpy`` Generator seeded with ``--seed``, in a fixed order. Scenario: the
French presidential election 2017, 21 days, 2017-04-17 .. 2017-05-08 UTC
(round 1 on 23 April, TV debate 3 May 19:00-21:30 UTC, MacronLeaks dump 5 May
~18:49 UTC, electoral silence from 5 May 22:00 UTC, round 2 on 7 May).

Outputs in --out DIR:
  tweets.jsonl       twarc2 `search all` pages ({"data","includes","meta","__twarc"}),
                     newest first, 100 tweets per page.
  truth.csv          account_id,campaign,kind,role   (campaign accounts only)
  organic_roles.csv  account_id,role                  (every organic account; role = the
                     organic behaviour that might make it look coordinated)
  truth.parquet      the same truth in vigie's documented shape (account_id, platform,
                     campaign_id (null organic), campaign_type, role) for `vigie score`.

ORGANIC BACKGROUND (~12k accounts)
  * ~150 influencers (candidates, politicians, outlets, fact-checkers, journalists,
    celebrities), Zipf popularity; ordinary accounts follow 3-12 of them.
  * Activity heavy-tailed (lognormal propensity), diurnal rhythm (Paris time).
  * Every influencer post gets a retweet cascade from its followers (lognormal size; top
    posts viral with hundreds to >1000 retweets), delays a mixture of minutes
    (median 6 min) and hours (median 90 min) => real fans retweet the same viral post within
    seconds of one another (HARD NEGATIVE).  Each politician also has 30-80 "militants" who
    retweet nearly every post within 1-15 min (activist trains, HARD NEGATIVE).
  * Replies to politicians (bursty after posts), quotes, tagging of newsrooms by users.
  * News links to lemonde.fr, lefigaro.fr, bbc.co.uk, nytimes.com ... (article pools with
    publication times and decaying attention); share-button texts "<title> via @outlet <url>"
    are identical for all sharers of one article (HARD NEGATIVE copypasta).
  * Identical texts: "A voté !" on both election days, petition share text (change.org),
    "Bon 1er mai" (HARD NEGATIVE).
  * Trending hashtags (Zipf) + debate-night burst #2017LeDebat.
  * Honest organisations: En Marche (party + 12 local committees retweeting each other within
    minutes, campaign-kit texts), FN (party + 10 federations), Le Monde + journalists +
    3 RSS feeds (dlvr.it, post every article within 1-5 min), 3 news aggregators (IFTTT).
  * 50 small communities (associations, clubs) of 4-10 friends sharing their own rare URLs
    over days (HARD NEGATIVE for slow/rare-object detectors).
  * ~350 organic accounts commenting/retweeting #MacronLeaks (HARD NEGATIVE).

OVERT (--stealth overt, sensitivity check only): C3 each account 8-20 posts, 60 % direct
  clone links; C4 each bot retweets 5-12 core posts after lognormal(median 10 min); C6 28 waves
  of 12-20 accounts within 5-60 min.  Everything else identical.

INJECTED CAMPAIGNS (members in truth.csv)
 C1 spamouflage  -- Graphika "Spamouflage Dragon" (2019) / "Spamouflage Breakout" (2020);
    Google TAG on DRAGONBRIDGE (2022); Meta Q3-2023 threat report.  90 accounts created in
    3 batches (2 days each; 2017-03-20, 04-02, 04-12), 70 % default handles (Name+8 digits),
    0-15 followers, 60 % empty bio.  Topic Guo Wengui (2017 Spamouflage target), zh/en.
    8 pushes; each member joins a push with p=0.55 and posts 1-3 lightly edited copies of the
    push template (word swaps, emoji, prefixes), times = push start + lognormal(median 40 min,
    sigma 1.0) restricted to Beijing office hours; 50 % YouTube link (same per push), 50 %
    natively uploaded video (own media key per upload); 3-6 campaign hashtags + sometimes a
    hijacked trending tag; 30 % of members retweet another member's push post 1-4 h later;
    3-15 filler posts each (quotes/scenery with own photo uploads).
 C2 ira_persona  -- Linvill & Warren (2020) "Troll factories"; DiResta et al. (2018)
    "Tactics & Tropes of the IRA"; Twitter IO archive (Oct 2018).  40 aged accounts
    (created 2013-2015), real-looking bios, 300-9000 followers, + 3 hub accounts.  Mostly
    organic behaviour (30-80 filler actions: joining real retweet cascades, news links,
    hashtags, replies to politicians).  25 pushes (a hub post or a post of one of 5 real
    right-wing influencers): each member retweets with p=0.25-0.5 after lognormal(median
    25 min, sigma 0.9); 10 % quote instead.  Shift in Moscow hours.
 C3 doppelganger -- EU DisinfoLab (2022) "Doppelganger"; VIGINUM (2023) "RRN"; Meta Q2-2023.
    60 throwaway accounts, each created 1-5 days before its first post, active 1-4 days,
    default handles, 0-5 followers.  Each posts 2-8 times, 80 % as replies under popular
    politician/outlet posts (5 min-6 h later), 20 % standalone with hashtags.  10 fake
    articles; link = look-alike domain (lemonde.ltd, leparisien.top, lefigaro.me, 20minutes.ws,
    liberation.pm, spiegel.ltd, bild.work) (30 %), a one-off redirect sub-domain per post
    (50 %; unwound_url to the clone in 30 % of those), or a one-off bit.ly (20 %).  Short
    comments from a pool of 25 phrases; 40 % attach a screenshot (own upload).
 C4 macronleaks  -- Ferrara (2017) "Disinformation and social bot operations in the run up
    to the 2017 French presidential election" (First Monday); DFRLab (2017) "#MacronLeaks".
    6 core accounts (aged alt-right personas, 5k-60k followers) post 3-5 tweets each with
    #MacronLeaks and links to pastebin / archive.org / mega.nz mirrors / 4chan from
    2017-05-05 18:49 UTC; 150 amplifier bots (created in two bursts Oct 2016, dormant until
    the dump, English): each retweets 1-4 core posts after lognormal(median 35 min,
    sigma 0.8); 40 % also post own template tweets with the links; some retweet each other on
    May 6.  60 % Twitter for Android, 40 % Twitter Web Client.
 C5 fox8_llm     -- Yang & Menczer (2023) "Anatomy of an AI-powered malicious social botnet".
    70 accounts (aged, stolen-looking profiles, 200-5000 followers), 24/7 posting.  Each
    posts 15-40 generated (slot-grammar paraphrase) texts on crypto/politics, 40 % with a
    link to fox8news.com / cryptnomics.org / globaleconomicsnews.com (many distinct articles,
    each shared by 1-3 members); 3 % self-revealing "As an AI language model ..." texts.
    Texts: 2 sentence grammars x ~20-choice slots + free extra sentences (low 3-shingle overlap).
    Every member post gets 2-8 retweets and 1-3 generated replies from other members after
    lognormal(median 45 min, sigma 1.2): a dense mutual amplification cluster.
 C6 overload     -- CheckFirst & Reset.Tech (2024) "Operation Overload"; ISD/Bot Blocker
    "Matryoshka" (2024).  50 accounts (70 % fresh default handles, 30 % hijacked old
    accounts).  14 fake items (fake branded video); per item a wave of 6-12 accounts over
    30 min-6 h, each its own wording (fr/en/de), tagging 8-20 of 40 newsroom/fact-checker
    handles (5 item-specific always tagged); 50 % carry the item's t.me link, the rest a
    native upload (own media key).  70 % standalone, 30 % replies to fact-checkers' posts.
 C7 slow_sleeper -- Pacheco et al. (ICWSM 2021) low-and-slow networks; Graphika (2020)
    "Secondary Infektion".  24 aged accounts with organic filler; 12 rare URLs on 3 obscure
    sites; each URL posted by 30-60 % of members at uniform times over 3-10 days after
    publication (few actions each), own wording, occasional rare hashtag #StopUE2017.
"""

import argparse
import csv
import json
import math
import os
import random
import string
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np

START = datetime(2017, 4, 17, tzinfo=UTC).timestamp()
END = datetime(2017, 5, 8, tzinfo=UTC).timestamp()
DAY = 86400.0
TWEPOCH = 1288834974657
DEBATE = datetime(2017, 5, 3, 19, 0, tzinfo=UTC).timestamp()
LEAK = datetime(2017, 5, 5, 18, 49, tzinfo=UTC).timestamp()
SILENCE = datetime(2017, 5, 5, 22, 0, tzinfo=UTC).timestamp()
ROUND1 = datetime(2017, 4, 23, tzinfo=UTC).timestamp()
ROUND2 = datetime(2017, 5, 7, tzinfo=UTC).timestamp()
MAYDAY = datetime(2017, 5, 1, tzinfo=UTC).timestamp()


def _words(text: str) -> list[str]:
    """The words of a space-separated list (keeps the long vocabularies compact)."""
    return text.split()


# hourly activity weights, local time
DIURNAL = np.array(
    [1.2, 0.7, 0.4, 0.25, 0.2, 0.3, 0.8, 2, 3, 3, 2.8, 2.8, 3.2, 3.1, 2.6, 2.5, 2.6, 2.9, 3.2, 3.6]
    + [4, 4.1, 3.4, 2.2]
)
DIURNAL = DIURNAL / DIURNAL.sum()

FR = _words(
    "le la les un une des et mais donc car pour avec sans sur dans chez vote candidat "
    "programme débat france pays gouvernement élection président promesse emploi chômage "
    "impôts école santé hôpital retraite jeunes europe frontière sécurité police justice "
    "économie entreprise salaire travail climat énergie nucléaire agriculture paysans ville "
    "campagne banlieue quartier famille enfants avenir espoir colère honte bravo enfin "
    "vraiment jamais toujours encore déjà demain hier soir matin aujourd'hui semaine "
    "meeting discours interview plateau sondage résultat second tour premier abstention "
    "blanc barrage républicain extrême centre gauche droite marche insoumis socialiste "
    "journalistes médias presse télé radio réseaux fake mensonge vérité scandale affaire "
    "dette déficit réforme loi travail code contrat smic pouvoir achat logement loyer "
    "transport train grève manif syndicat patron ouvrier cadre étudiant lycée fac bac "
    "culture cinéma musique sport match foot rugby vélo soleil pluie week-end vacances "
    "café apéro dîner copains voisins quartier marché boulangerie"
)
EN = _words(
    "the a and but so for with without on in at vote candidate election france french "
    "president debate poll result campaign europe economy jobs tax security police crisis "
    "media news fake truth scandal leak macron le pen populism far right centrist markets "
    "euro brexit trump russia hacking cyber world today tomorrow tonight week watching "
    "really never always again already big huge sad great interesting important read this "
    "thread story analysis opinion view report live update breaking coverage paris people "
    "voters young old workers future hope anger change system establishment globalist "
    "nationalist liberal conservative coffee music game weekend sun rain friends family"
)
OPENERS_FR = [
    "Franchement,",
    "Incroyable :",
    "Je pense que",
    "Bon,",
    "Ce soir",
    "Encore une fois",
    "Sérieusement",
    "Vu à la télé :",
    "Rappel :",
    "Bref,",
    "Ok donc",
    "Question :",
    "Hmm",
    "Quelle journée.",
    "Tout à fait d'accord,",
    "Pas d'accord :",
    "Dites-moi",
    "Ahah",
    "Lu ce matin :",
    "À suivre :",
]
OPENERS_EN = [
    "Honestly,",
    "Wow:",
    "I think",
    "So,",
    "Tonight",
    "Again",
    "Seriously",
    "Read this:",
    "Reminder:",
    "Well,",
    "Interesting:",
    "Question:",
    "Hmm",
    "What a day.",
    "Agree,",
]

FIRST = _words(
    "Marie Jean Pierre Sophie Nicolas Julie Thomas Camille Lucas Léa Hugo Chloé Louis Emma "
    "Paul Manon Antoine Sarah Maxime Laura Alexandre Inès Julien Clara Romain Anaïs Mathieu "
    "Pauline Vincent Lucie Olivier Céline Karim Nadia Mehdi Yasmine Sébastien Aurélie "
    "Christophe Isabelle Franck Nathalie David Sandrine Éric Valérie Patrick Martine"
)
LAST = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clement Gauthier Dumont"
)
EN_FIRST = _words(
    "James John Robert Michael William David Mary Patricia Jennifer Linda Elizabeth "
    "Barbara Susan Jessica Sarah Karen Nancy Lisa Betty Sandra Ashley Kimberly Donna "
    "Emily Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Cynthia "
    "Kathleen Amy Shirley Angela Helen Anna Brenda Pamela Nicole Samantha"
)
EN_LAST = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson "
    "White Harris Thompson Lewis Walker Hall Allen Young King Wright Scott Green Baker "
    "Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker"
)
PINYIN = _words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo "
    "Gao Liang Zheng Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan"
)
PINYIN_G = _words("Wei Fang Jing Lei Min Ying Hui Jun Qiang Yan Xia Ping Hong Bo Tao Ling Na Lan")
BIO_FR = [
    "Papa de 2 enfants. Fan de foot.",
    "Prof d'histoire. Avis perso.",
    "Infirmière, maman, lectrice",
    "Étudiant en droit @ Paris 2",
    "Entrepreneur. Breton. Optimiste.",
    "Retraité, jardinier, citoyen",
    "Militant associatif",
    "Ingénieur. Tweets perso.",
    "Amoureuse des chats et du café",
    "Journaliste indépendant",
    "Lyonnais d'adoption",
    "Syndicaliste",
    "",
    "",
    "",
    "",
    "Supporter de l'OM",
    "Passionné de politique et d'histoire",
    "Mère au foyer. Catholique.",
    "Agriculteur dans le Gers",
    "Développeur web",
    "Citoyen engagé #Republique",
]
BIO_EN = [
    "Proud mom, wife, patriot.",
    "Coffee addict. Dog lover. Opinions my own.",
    "Retired teacher. Texas.",
    "Husband, father, veteran.",
    "Crypto enthusiast | HODL",
    "Traveler, foodie, dreamer",
    "Love God, love family",
    "Marketing professional",
    "Photographer based in Seattle",
    "Nurse. Runner. Mom of 3.",
    "",
    "",
]

TRENDING = [
    "Presidentielle2017",
    "Macron",
    "LePen",
    "Melenchon",
    "Fillon",
    "Hamon",
    "JeVote",
    "2017LeDebat",
    "Elysee2017",
    "SecondTour",
    "PremierTour",
    "FN",
    "EnMarche",
    "FranceInsoumise",
    "LesRepublicains",
    "PS",
    "Europe",
    "Emploi",
    "Securite",
    "BFMTV",
    "OMPSG",
    "PSG",
    "Ligue1",
    "Rolandgarros",
    "Cannes2017",
    "1erMai",
    "Loitravail",
    "Migrants",
    "Terrorisme",
    "Chomage",
    "Abstention",
    "VoteBlanc",
    "Front Republicain",
    "Sondage",
    "Meeting",
    "Paris",
    "Lyon",
    "Marseille",
    "Lille",
    "Bordeaux",
    "Brexit",
    "Trump",
    "Syrie",
    "Climat",
    "Nucleaire",
    "Agriculture",
    "Education",
    "Sante",
    "Retraites",
    "Fiscalite",
    "Numerique",
    "Startup",
    "Culture",
    "Ecologie",
    "Quotidien",
    "ONPC",
    "LEmissionPolitique",
    "TPMP",
    "Jazz",
    "Football",
    "Rugby",
    "Tennis",
    "Meteo",
    "Bonjour",
    "Lundi",
    "Vendredi",
    "WeekEnd",
    "Photo",
    "Vacances",
    "Cinema",
    "Musique",
]
TRENDING = [t.replace(" ", "") for t in TRENDING]

OUTLETS = {  # handle: (domain, name, lang, followers, path_style)
    "lemondefr": ("lemonde.fr", "Le Monde", "fr", 7_000_000, "lemonde"),
    "Le_Figaro": ("lefigaro.fr", "Le Figaro", "fr", 2_900_000, "figaro"),
    "libe": ("liberation.fr", "Libération", "fr", 2_300_000, "slug"),
    "BFMTV": ("bfmtv.com", "BFMTV", "fr", 2_500_000, "slug"),
    "franceinfo": ("francetvinfo.fr", "franceinfo", "fr", 1_500_000, "slug"),
    "afpfr": ("afp.com", "Agence France-Presse", "fr", 600_000, "slug"),
    "Mediapart": ("mediapart.fr", "Mediapart", "fr", 2_000_000, "slug"),
    "le_Parisien": ("leparisien.fr", "Le Parisien", "fr", 1_900_000, "slug"),
    "20Minutes": ("20minutes.fr", "20 Minutes", "fr", 1_800_000, "slug"),
    "France24_fr": ("france24.com", "FRANCE 24", "fr", 1_300_000, "slug"),
    "BBCWorld": ("bbc.co.uk", "BBC News (World)", "en", 23_000_000, "bbc"),
    "nytimes": ("nytimes.com", "The New York Times", "en", 38_000_000, "nyt"),
    "Reuters": ("reuters.com", "Reuters", "en", 18_000_000, "slug"),
    "guardian": ("theguardian.com", "The Guardian", "en", 7_000_000, "slug"),
    "dwnews": ("dw.com", "DW News", "en", 1_500_000, "slug"),
    "derspiegel": ("spiegel.de", "DER SPIEGEL", "de", 2_500_000, "slug"),
    "AFPFactuel": ("factuel.afp.com", "AFP Factuel", "fr", 60_000, "slug"),
    "LesDecodeurs": ("lemonde.fr", "Les Décodeurs", "fr", 400_000, "lemonde"),
    "CheckNewsfr": ("liberation.fr", "CheckNews", "fr", 50_000, "slug"),
    "BBCVerify": ("bbc.co.uk", "BBC Verify", "en", 100_000, "bbc"),
    "correctiv_org": ("correctiv.org", "CORRECTIV", "de", 80_000, "slug"),
    "EUvsDisinfo": ("euvsdisinfo.eu", "EUvsDisinfo", "en", 60_000, "slug"),
    "bellingcat": ("bellingcat.com", "Bellingcat", "en", 500_000, "slug"),
    "Conspiration": ("conspirationwatch.org", "Conspiracy Watch", "fr", 40_000, "slug"),
    "LCI": ("tf1info.fr", "LCI", "fr", 1_000_000, "slug"),
    "TF1": ("tf1.fr", "TF1", "fr", 2_000_000, "slug"),
    "europe1": ("europe1.fr", "Europe 1", "fr", 1_000_000, "slug"),
    "RTLFrance": ("rtl.fr", "RTL France", "fr", 900_000, "slug"),
    "lesechos": ("lesechos.fr", "Les Echos", "fr", 800_000, "slug"),
    "Valeurs": ("valeursactuelles.com", "Valeurs actuelles", "fr", 300_000, "slug"),
}
POLITICIANS = [  # handle, name, party, followers
    ("EmmanuelMacron", "Emmanuel Macron", "EM", 1_800_000),
    ("MLP_officiel", "Marine Le Pen", "FN", 1_500_000),
    ("JLMelenchon", "Jean-Luc Mélenchon", "FI", 1_200_000),
    ("FrancoisFillon", "François Fillon", "LR", 700_000),
    ("benoithamon", "Benoît Hamon", "PS", 500_000),
    ("dupontaignan", "N. Dupont-Aignan", "DLF", 200_000),
    ("f_philippot", "Florian Philippot", "FN", 300_000),
    ("RichardFerrand", "Richard Ferrand", "EM", 60_000),
    ("BGriveaux", "Benjamin Griveaux", "EM", 80_000),
    ("alexiscorbiere", "Alexis Corbière", "FI", 150_000),
    ("n_vallaud_b", "Najat Vallaud-Belkacem", "PS", 900_000),
    ("vpecresse", "Valérie Pécresse", "LR", 400_000),
    ("laurentwauquiez", "Laurent Wauquiez", "LR", 300_000),
    ("MarionMarechal", "Marion Maréchal", "FN", 400_000),
    ("louis_aliot", "Louis Aliot", "FN", 100_000),
    ("Clementine_Autain", "Clémentine Autain", "FI", 150_000),
    ("francoisbayrou", "François Bayrou", "MoDem", 500_000),
    ("manuelvalls", "Manuel Valls", "PS", 800_000),
    ("CCastaner", "Christophe Castaner", "EM", 40_000),
    ("SibethNdiaye", "Sibeth Ndiaye", "EM", 20_000),
    ("gilbertcollard", "Gilbert Collard", "FN", 200_000),
    ("nk_m", "N. Kosciusko-Morizet", "LR", 500_000),
    ("yjadot", "Yannick Jadot", "EELV", 100_000),
    ("Qofficiel", "Eric Ciotti", "LR", 90_000),
    ("RaquelGarridoFr", "Raquel Garrido", "FI", 60_000),
    ("f_ruffin", "François Ruffin", "FI", 80_000),
    ("nadine__morano", "Nadine Morano", "LR", 250_000),
    ("jf_cope", "Jean-François Copé", "LR", 300_000),
    ("ArnaudMontebourg", "Arnaud Montebourg", "PS", 300_000),
    ("PhilippePoutou", "Philippe Poutou", "NPA", 150_000),
]
RIGHT_WING_INFL = ["fdesouche", "Damocles_Fr", "PatriotesFr", "ReinfoFr", "LibreFrance"]
CELEBS = [
    "OmarSy",
    "kylianmbappe_",
    "NormanFaitDesVideos",
    "cyprien",
    "SqueezieOff",
    "MisterV",
    "JamelDebbouze",
    "Pascal_Obispo",
    "LaFouineOff",
    "Mathieu_Kassovitz",
    "MarionCotillard_",
    "AntoineGriezmann",
    "nikos_aliagas",
    "cyrilhanouna",
    "Dr_Pepper_Fan",
    "TeddyRiner",
    "YannBarthes",
    "Natoo",
    "Squeezie2",
    "EnjoyPhoenix",
]
JOURNALISTS = [
    "Jo_Salomon",
    "ApolineMatthieu",
    "JJBourdin_RMC",
    "RuthElkrief",
    "Anne_Sophie_Lapix",
    "DavidPujadas",
    "AudreyPulvar",
    "pierre_haski",
    "jmaphatie",
    "DominiqueSeux",
    "NathalieSaintCricq",
    "ThierryArdisson",
    "Fabrice_Arfi",
    "edwyplenel",
    "Elise_Lucet",
    "LeaSalame",
    "ECalvi",
    "Paolo_Levi",
    "NicolasDomenach",
    "laurent_joffrin",
]
LEMONDE_JOURN = [
    "Samuel_Laurent",
    "AdrienSenecat",
    "Madjid_Zerrouky",
    "Vanessa_Schneider",
    "ArianeChemin",
    "Solenn_de_Royer",
    "Bastien_Bonnefous",
    "Lemonde_pol",
    "Alexandre_Pouchard",
    "Mathilde_Damge",
]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.users = {}  # id -> v2 user object
        self.handles = set()
        self.tweets = []  # internal tweet dicts
        self.tw_by_id = {}
        self.seq = 0
        self.truth = []  # (account_id, campaign, kind, role)
        self.roles = {}  # organic account -> role
        self.media = {}  # media_key -> media object
        self.activity = {}  # account -> propensity

    # ---------------------------------------------------------------- ids / users
    def tweet_id(self, ts):
        self.seq += 1
        ms = int(ts * 1000)
        return str(((ms - TWEPOCH) << 22) | ((self.seq * 7919 + self.rng.randrange(64)) & 0x3FFFFF))

    def user_id_for(self, created_ts):
        if created_ts > datetime(2013, 6, 1, tzinfo=UTC).timestamp():
            ms = int(created_ts * 1000)
            return str(((ms - TWEPOCH) << 22) | self.rng.randrange(1 << 22))
        return str(self.rng.randrange(10_000_000, 2_000_000_000))

    def uniq_handle(self, h):
        h = "".join(c for c in h if c.isalnum() or c == "_")[:15] or "user"
        base = h
        while h.lower() in self.handles:
            h = (base[:11] + str(self.rng.randrange(1000, 9999)))[:15]
        self.handles.add(h.lower())
        return h

    def add_user(
        self,
        handle,
        name,
        created_ts,
        desc="",
        followers=100,
        following=200,
        verified=False,
        tweets=None,
        role=None,
        uid=None,
    ):
        uid = uid or self.user_id_for(created_ts)
        while uid in self.users:
            uid = self.user_id_for(created_ts)
        handle = self.uniq_handle(handle)
        self.users[uid] = {
            "id": uid,
            "username": handle,
            "name": name,
            "created_at": iso(created_ts),
            "description": desc,
            "public_metrics": {
                "followers_count": int(followers),
                "following_count": int(following),
                "tweet_count": int(tweets if tweets is not None else self.rng.randrange(50, 20000)),
                "listed_count": int(followers // 200),
            },
            "verified": verified,
            "protected": False,
            "profile_image_url": "https://pbs.twimg.com/profile_images/"
            f"{self.rng.randrange(10**17, 10**18)}/{rand_str(self.rng, 8)}_normal.jpg",
            "location": "",
        }
        if role:
            self.roles[uid] = role
        return uid

    def h(self, uid):
        return self.users[uid]["username"]

    # ---------------------------------------------------------------- time helpers
    def diurnal_time(self, day0, day1, tz=2, profile=DIURNAL):
        d = self.rng.uniform(day0, day1)
        day = START + math.floor((d - START) / DAY) * DAY
        hour = self.np.choice(24, p=profile)
        t = day + ((hour - tz) % 24) * 3600 + self.rng.uniform(0, 3600)
        return t

    def accept_diurnal(self, ts, tz=2):
        hour = int(((ts / 3600) + tz) % 24)
        return self.rng.random() < DIURNAL[hour] / DIURNAL.max()

    def office_time(self, t0, t1, tz, weekdays=True):
        for _ in range(200):
            t = self.rng.uniform(t0, t1)
            lt = datetime.fromtimestamp(t + tz * 3600, UTC)
            if 9 <= lt.hour < 18 and (not weekdays or lt.weekday() < 5):
                return t
        return self.rng.uniform(t0, t1)

    def shift_delay(self, t, tz):
        lt = datetime.fromtimestamp(t + tz * 3600, UTC)
        if 9 <= lt.hour < 19:
            return t
        # move to next 9:00 local + jitter
        nxt = lt.replace(hour=9, minute=0, second=0)
        if lt.hour >= 19:
            nxt += timedelta(days=1)
        return nxt.timestamp() - tz * 3600 + self.rng.uniform(0, 5400)

    # ---------------------------------------------------------------- text
    def words(self, lang, n):
        voc = FR if lang == "fr" else EN
        return " ".join(self.rng.choice(voc) for _ in range(n))

    def free_text(self, lang, lo=6, hi=18):
        op = self.rng.choice(OPENERS_FR if lang == "fr" else OPENERS_EN)
        return op + " " + self.words(lang, self.rng.randint(lo, hi))

    # ---------------------------------------------------------------- tweets
    def post(
        self,
        author,
        ts,
        body,
        kind="orig",
        ref=None,
        hashtags=(),
        mentions=(),
        urls=(),
        lang="fr",
        source=None,
        media=None,
        lead_mentions=None,
    ):
        """kind: orig|rt|reply|quote. urls: list of (expanded, unwound or None)."""
        if ts < START or ts >= END:
            return None
        tid = self.tweet_id(ts)
        t = {
            "id": tid,
            "ts": ts,
            "author": author,
            "kind": kind,
            "ref": ref,
            "lang": lang,
            "source": source
            or self.rng.choice(
                [
                    "Twitter for iPhone",
                    "Twitter for Android",
                    "Twitter Web Client",
                    "Twitter for iPhone",
                    "Twitter for Android",
                    "TweetDeck",
                ]
            ),
        }
        if kind == "rt":
            o = self.tw_by_id[ref]
            txt = "RT @{}: {}".format(self.h(o["author"]), o["text"])
            if len(txt) > 140:
                txt = txt[:139] + "…"
            t["text"] = txt
            t["lang"] = o["lang"]
            t["conversation_id"] = tid
            ents_h = [x for x in o["hashtags"] if ("#" + x) in txt]
            ents_m = [(self.h(o["author"]), o["author"])] + [
                m for m in o["mentions"] if ("@" + m[0]) in txt
            ]
            ents_u = [u for u in o["urls"] if u[2] in txt]
            t.update(hashtags=ents_h, mentions=ents_m, urls=ents_u, media=None)
        else:
            parts = []
            ment = list(mentions)
            if kind == "reply":
                o = self.tw_by_id[ref]
                lead = (
                    lead_mentions
                    if lead_mentions is not None
                    else [(self.h(o["author"]), o["author"])]
                )
                parts.append(" ".join("@" + m[0] for m in lead))
                ment = lead + ment
                t["in_reply_to_user_id"] = o["author"]
                t["conversation_id"] = o.get("conversation_id", o["id"])
            else:
                t["conversation_id"] = tid
            parts.append(body)
            for m in mentions:
                if ("@" + m[0]) not in body:
                    parts.append("@" + m[0])
            for hg in hashtags:
                if ("#" + hg) not in body:
                    parts.append("#" + hg)
            uu = []
            for exp, unw in urls:
                tco = "https://t.co/" + rand_str(self.rng, 10)
                parts.append(tco)
                uu.append((exp, unw, tco))
            if kind == "quote":
                o = self.tw_by_id[ref]
                tco = "https://t.co/" + rand_str(self.rng, 10)
                parts.append(tco)
                uu.append(
                    (
                        "https://twitter.com/{}/status/{}".format(self.h(o["author"]), o["id"]),
                        None,
                        tco,
                    )
                )
            if media:
                tco = "https://t.co/" + rand_str(self.rng, 10)
                parts.append(tco)
                t["media_tco"] = tco
            t["text"] = " ".join(p for p in parts if p)
            t.update(hashtags=list(hashtags), mentions=ment, urls=uu, media=media)
        self.tweets.append(t)
        self.tw_by_id[tid] = t
        return tid

    def new_media(self, kind="photo"):
        mid = str(self.rng.randrange(10**17, 10**18))
        if kind == "photo":
            key = "3_" + mid
            self.media[key] = {
                "media_key": key,
                "type": "photo",
                "url": f"https://pbs.twimg.com/media/{rand_str(self.rng, 15)}.jpg",
            }
        else:
            key = "7_" + mid
            self.media[key] = {
                "media_key": key,
                "type": "video",
                "duration_ms": self.rng.randrange(8000, 120000),
                "preview_image_url": "https://pbs.twimg.com/ext_tw_video_thumb/"
                f"{mid}/pu/img/{rand_str(self.rng, 16)}.jpg",
                "variants": [
                    {
                        "bit_rate": 832000,
                        "content_type": "video/mp4",
                        "url": "https://video.twimg.com/ext_tw_video/"
                        f"{mid}/pu/vid/640x360/{rand_str(self.rng, 16)}.mp4?tag=10",
                    }
                ],
            }
        return key

    # ================================================================= ORGANIC
    def build_organic(self, n_ord):
        rng, npr = self.rng, self.np
        y2008 = datetime(2008, 1, 1, tzinfo=UTC).timestamp()
        y2016 = datetime(2016, 12, 31, tzinfo=UTC).timestamp()
        self.infl = []  # (uid, type, popularity, party/lang)
        for hd, (dom, name, lang, fol, ps) in OUTLETS.items():
            uid = self.add_user(
                hd,
                name,
                rng.uniform(y2008, y2008 + 3 * 365 * DAY),
                "Compte officiel de " + name,
                fol,
                rng.randrange(100, 2000),
                True,
                role="influencer_outlet",
            )
            self.infl.append(
                {
                    "uid": uid,
                    "type": "outlet",
                    "pop": fol**0.5,
                    "lang": lang,
                    "domain": dom,
                    "style": ps,
                    "rate": 8 if fol > 500_000 else 3,
                }
            )
        for hd, name, party, fol in POLITICIANS:
            uid = self.add_user(
                hd,
                name,
                rng.uniform(y2008, y2008 + 5 * 365 * DAY),
                "Compte officiel. " + party,
                fol,
                rng.randrange(300, 3000),
                True,
                role="influencer_politician",
            )
            self.infl.append(
                {
                    "uid": uid,
                    "type": "pol",
                    "pop": fol**0.5,
                    "lang": "fr",
                    "party": party,
                    "rate": 6 if fol > 400_000 else 3,
                }
            )
        for hd in CELEBS + JOURNALISTS + RIGHT_WING_INFL:
            fol = int(math.exp(rng.uniform(math.log(30_000), math.log(3_000_000))))
            typ = "celeb" if hd in CELEBS else ("journalist" if hd in JOURNALISTS else "rightwing")
            uid = self.add_user(
                hd,
                hd.replace("_", " "),
                rng.uniform(y2008, y2016 - 365 * DAY),
                rng.choice(BIO_FR[:12]),
                fol,
                rng.randrange(100, 3000),
                typ != "rightwing",
                role="influencer_" + typ,
            )
            self.infl.append({"uid": uid, "type": typ, "pop": fol**0.5, "lang": "fr", "rate": 3})
        self.infl_by_handle = {self.h(i["uid"]): i for i in self.infl}
        for hd in list(OUTLETS) + JOURNALISTS + RIGHT_WING_INFL + CELEBS:
            self.infl_by_handle.setdefault(hd, self.infl_by_handle.get(hd[:15]))
        self.rightwing_uids = [self.infl_by_handle[h]["uid"] for h in RIGHT_WING_INFL]

        # ordinary accounts
        self.ordinary = []
        for _ in range(n_ord):
            lang = "fr" if rng.random() < 0.82 else "en"
            if lang == "fr":
                fn, ln = rng.choice(FIRST), rng.choice(LAST)
            else:
                fn, ln = rng.choice(EN_FIRST), rng.choice(EN_LAST)
            r = rng.random()
            if r < 0.4:
                hd = fn + ln
            elif r < 0.7:
                hd = (fn[0] + "_" + ln).lower()
            elif r < 0.85:
                hd = fn + ln[:3] + str(rng.randrange(10, 99))
            else:  # default-style handle (real people keep them too)
                hd = fn + ln + str(rng.randrange(10**7, 10**8))
            hd = strip_accents(hd)
            fol = int(math.exp(npr.normal(4.5, 1.6)))
            created = (
                rng.uniform(y2008, END - 10 * DAY)
                if rng.random() < 0.97
                else rng.uniform(START - 60 * DAY, START)
            )
            uid = self.add_user(
                hd,
                fn + " " + ln if rng.random() < 0.8 else fn,
                created,
                rng.choice(BIO_FR if lang == "fr" else BIO_EN),
                fol,
                int(math.exp(npr.normal(5, 1.2))),
                role="ordinary",
            )
            self.users[uid]["_lang"] = lang
            self.users[uid]["_party"] = rng.choice(["EM", "FN", "FI", "LR", "PS", None, None])
            self.ordinary.append(uid)
            self.activity[uid] = float(np.exp(npr.normal(0, 1.3)))
        # follow graph: fans of influencers
        pops = np.array([i["pop"] for i in self.infl])
        pw = pops / pops.sum()
        self.fans = {i["uid"]: [] for i in self.infl}
        for uid in self.ordinary:
            k = 3 + npr.poisson(5)
            party = self.users[uid]["_party"]
            picks = set(npr.choice(len(self.infl), size=k, p=pw))
            if party:  # follow own party's politicians
                for j, inf in enumerate(self.infl):
                    if inf.get("party") == party and rng.random() < 0.6:
                        picks.add(j)
            for j in picks:
                self.fans[self.infl[j]["uid"]].append(uid)
        # militants: devoted retweeters of politicians
        self.militants = {}
        for inf in self.infl:
            if inf["type"] == "pol":
                pool = [u for u in self.fans[inf["uid"]] if self.users[u]["_party"] == inf["party"]]
                m = rng.sample(pool, min(len(pool), rng.randint(20, 50)))
                self.militants[inf["uid"]] = m
                for u in m:
                    self.roles[u] = "militant"
        # friends (ordinary social graph) for small cascades
        self.friends = {u: rng.sample(self.ordinary, 15) for u in self.ordinary}

        # article pools per outlet
        self.articles = {}  # domain -> list of (url, title, pub_ts, outlet uid)
        for inf in self.infl:
            if inf["type"] != "outlet":
                continue
            n_art = inf["rate"] * 21
            arts = []
            for _ in range(n_art):
                pub = self.diurnal_time(START - DAY, END)
                title = self.free_text(inf["lang"], 5, 10)
                arts.append(
                    (
                        make_article_url(rng, inf["domain"], inf["style"], pub, title),
                        title,
                        pub,
                        inf["uid"],
                    )
                )
            self.articles.setdefault(inf["domain"], []).extend(arts)
            inf["arts"] = arts

    def pick_hashtags(self, n=None):
        n = self.np.choice([0, 0, 0, 1, 1, 2, 3]) if n is None else n
        idx = np.minimum(self.np.zipf(1.4, size=n) - 1, len(TRENDING) - 1)
        return list(dict.fromkeys(TRENDING[i] for i in idx))

    def pick_article(self, ts):
        # random outlet weighted by audience, article published before ts, recency-weighted
        if not hasattr(self, "_outl"):
            self._outl = (
                [i for i in self.infl if i["type"] == "outlet"]
                + [self.infl[0]] * 4
                + [self.infl[1]] * 2
            )
        for _ in range(10):
            inf = self.rng.choice(self._outl)
            arts = [a for a in inf["arts"] if a[2] < ts and ts - a[2] < 4 * DAY]
            if arts:
                w = np.array([math.exp(-(ts - a[2]) / (0.7 * DAY)) for a in arts])
                return arts[self.np.choice(len(arts), p=w / w.sum())]
        return None

    def organic_posts(self):
        rng, npr = self.rng, self.np
        # influencer originals + cascades
        infl_posts = []
        for inf in self.infl:
            n = npr.poisson(inf["rate"] * 21)
            for _ in range(n):
                ts = self.diurnal_time(START, END)
                if inf["type"] == "outlet":
                    a = rng.choice(inf["arts"])
                    ts = a[2] + rng.uniform(0, 900)
                    tid = self.post(
                        inf["uid"],
                        ts,
                        a[1],
                        hashtags=self.pick_hashtags(rng.choice([0, 1])),
                        urls=[(a[0], None)],
                        lang=inf["lang"],
                        source=rng.choice(["TweetDeck", "SocialFlow", "Twitter Web Client"]),
                    )
                else:
                    tid = self.post(
                        inf["uid"],
                        ts,
                        self.free_text(inf["lang"], 8, 20),
                        hashtags=self.pick_hashtags(),
                        lang=inf["lang"],
                        media=self.new_media() if rng.random() < 0.3 else None,
                    )
                if tid:
                    infl_posts.append((tid, inf))
        self.infl_posts = infl_posts
        # cascades
        for tid, inf in infl_posts:
            o = self.tw_by_id[tid]
            fans = self.fans[inf["uid"]]
            if not fans:
                continue
            mu = math.log(max(1.0, inf["pop"] / 180.0))
            n_rt = int(min(len(fans) * 0.8, math.exp(npr.normal(mu, 1.0))))
            if n_rt > 0:
                act = np.array([self.activity[u] for u in fans])
                who = npr.choice(len(fans), size=n_rt, replace=False, p=act / act.sum())
                for j in who:
                    d = (
                        math.exp(npr.normal(math.log(360), 1.0))
                        if rng.random() < 0.55
                        else math.exp(npr.normal(math.log(5400), 1.3))
                    )
                    ts = o["ts"] + d
                    if rng.random() < 0.8 and not self.accept_diurnal(ts):
                        continue
                    u = fans[j]
                    if rng.random() < 0.07:
                        self.post(
                            u,
                            ts,
                            self.free_text(self.users[u]["_lang"], 3, 10),
                            kind="quote",
                            ref=tid,
                            lang=self.users[u]["_lang"],
                        )
                    else:
                        self.post(u, ts, None, kind="rt", ref=tid)
            for u in self.militants.get(inf["uid"], []):
                if rng.random() < 0.3:
                    self.post(u, o["ts"] + rng.uniform(40, 900), None, kind="rt", ref=tid)
            # replies
            if inf["type"] in ("pol", "journalist", "outlet", "celeb"):
                n_rep = int(min(len(fans) * 0.3, math.exp(npr.normal(mu - 1.3, 1.0))))
                for u in rng.sample(fans, n_rep):
                    d = math.exp(npr.normal(math.log(600), 1.2))
                    lang = self.users[u]["_lang"]
                    self.post(
                        u,
                        o["ts"] + d,
                        self.free_text(lang, 4, 14),
                        kind="reply",
                        ref=tid,
                        lang=lang,
                    )
        # ordinary originals
        for u in self.ordinary:
            lang = self.users[u]["_lang"]
            n = npr.poisson(3.0 * self.activity[u])
            for _ in range(n):
                ts = self.diurnal_time(START, END)
                r = rng.random()
                urls, body, mentions = [], None, []
                if r < 0.22:
                    a = self.pick_article(ts)
                    if a:
                        urls = [(a[0], None)]
                        if rng.random() < 0.35:  # share button: identical text
                            body = f"{a[1]} via @{self.h(a[3])}"
                            mentions = []
                elif r < 0.27:
                    urls = [("https://www.youtube.com/watch?v=" + rand_str(rng, 11), None)]
                elif r < 0.30:
                    urls = [
                        (
                            "https://{}.{}/{}".format(
                                rand_str(rng, 6).lower(),
                                rng.choice(["fr", "com", "net", "org"]),
                                rand_str(rng, 8).lower(),
                            ),
                            None,
                        )
                    ]
                if r > 0.92:  # tagging newsrooms/politicians
                    tgt = rng.sample(self.infl[: len(OUTLETS) + 10], rng.choice([1, 1, 1, 2, 3, 4]))
                    mentions = [(self.h(i["uid"]), i["uid"]) for i in tgt]
                if body is None:
                    body = self.free_text(lang)
                tid = self.post(
                    u,
                    ts,
                    body,
                    hashtags=self.pick_hashtags(),
                    mentions=mentions,
                    urls=urls,
                    lang=lang,
                    media=self.new_media() if rng.random() < 0.1 else None,
                )
                if tid and rng.random() < 0.3:  # friends retweet
                    for f in rng.sample(self.friends[u], rng.randint(1, 3)):
                        self.post(
                            f,
                            ts + math.exp(npr.normal(math.log(1800), 1.5)),
                            None,
                            kind="rt",
                            ref=tid,
                        )
        # debate-night burst
        deb_users = rng.sample(self.ordinary, 2500)
        for u in deb_users:
            for _ in range(1 + npr.poisson(1.0)):
                ts = DEBATE + rng.uniform(0, 2.5 * 3600)
                lang = self.users[u]["_lang"]
                self.post(
                    u,
                    ts,
                    self.free_text(lang, 3, 12),
                    hashtags=["2017LeDebat"] + self.pick_hashtags(rng.choice([0, 1])),
                    lang=lang,
                )

    def organic_identical(self):
        rng = self.rng
        # "A voté !" on both election days
        for day in (ROUND1, ROUND2):
            for u in rng.sample(self.ordinary, 700):
                ts = day + rng.uniform(6 * 3600, 17 * 3600)
                txt = rng.choice(["A voté !", "A voté !", "A voté", "A voté ! #JeVote", "#AVoté"])
                hs = ["JeVote"] if "JeVote" in txt else (["AVoté"] if txt == "#AVoté" else [])
                self.post(
                    u,
                    ts,
                    txt.replace(" #JeVote", "").replace("#AVoté", ""),
                    hashtags=hs,
                    media=self.new_media() if rng.random() < 0.3 else None,
                )
                if self.roles.get(u) == "ordinary":
                    self.roles[u] = "avote"
        # petition
        signers = rng.sample(self.ordinary, 350)
        boost = rng.uniform(START + 2 * DAY, END - 5 * DAY)
        for u in signers:
            ts = boost + (
                math.exp(self.np.normal(math.log(3 * 3600), 1.5))
                if rng.random() < 0.6
                else rng.uniform(-2 * DAY, 5 * DAY)
            )
            self.post(
                u,
                ts,
                "J'ai signé la pétition « Loi Travail : non, merci ! » via @ChangeFR",
                urls=[
                    (
                        "https://www.change.org/p/loi-travail-non-merci"
                        f"?recruiter={rng.randrange(10**6, 10**8)}"
                        "&utm_source=share_petition&utm_medium=twitter",
                        None,
                    )
                ],
            )
            if self.roles.get(u) == "ordinary":
                self.roles[u] = "petition"
        for u in rng.sample(self.ordinary, 400):
            self.post(
                u,
                MAYDAY + rng.uniform(6 * 3600, 20 * 3600),
                rng.choice(["Bon 1er mai à tous !", "Bon 1er mai à tous ! 🌿", "Joyeux 1er mai !"]),
                hashtags=["1erMai"],
            )

    def organisations(self):
        rng = self.rng
        y2012 = datetime(2012, 1, 1, tzinfo=UTC).timestamp()
        for party, lead, cities in (
            (
                "EM",
                "enmarchefr",
                [
                    "Lyon",
                    "Paris",
                    "Lille",
                    "Nantes",
                    "Bordeaux",
                    "Toulouse",
                    "Marseille",
                    "Rennes",
                    "Nice",
                    "Strasbourg",
                    "Montpellier",
                    "Grenoble",
                ],
            ),
            (
                "FN",
                "FN_officiel",
                [
                    "Nord",
                    "Var",
                    "Gard",
                    "Moselle",
                    "Aisne",
                    "Herault",
                    "Somme",
                    "Oise",
                    "Vaucluse",
                    "Pas_de_Calais",
                ],
            ),
        ):
            lead_uid = self.add_user(
                lead,
                lead,
                rng.uniform(y2012, y2012 + 4 * 365 * DAY),
                "Compte officiel du mouvement",
                rng.randrange(200_000, 500_000),
                500,
                True,
                role="org_party",
            )
            locs = [
                self.add_user(
                    ("EnMarche_" if party == "EM" else "FN_") + c,
                    ("En Marche " if party == "EM" else "FN ") + c,
                    rng.uniform(y2012, START - 200 * DAY),
                    "Comité local officiel",
                    rng.randrange(800, 12000),
                    900,
                    False,
                    role="org_party",
                )
                for c in cities
            ]
            cand = [i["uid"] for i in self.infl if i["type"] == "pol" and i.get("party") == party][
                :3
            ]
            kit = [
                "Rendez-vous ce soir au meeting ! Tous mobilisés",
                "Le projet pour la France : découvrez le programme complet",
                "Dimanche, votez et faites voter !",
                "Rejoignez-nous pour le porte-à-porte ce samedi",
                "Merci aux militants mobilisés partout en France",
            ]
            src_posts = [
                t for t in list(self.tweets) if t["author"] in cand and t["kind"] == "orig"
            ]
            for _ in range(90):
                ts = self.diurnal_time(START, END)
                tid = self.post(
                    lead_uid,
                    ts,
                    self.free_text("fr", 6, 14),
                    hashtags=["EnMarche" if party == "EM" else "FN", "Presidentielle2017"],
                    source="TweetDeck",
                    media=self.new_media() if rng.random() < 0.5 else None,
                )
                if tid:
                    src_posts.append(self.tw_by_id[tid])
            for o in src_posts:
                for loc in locs:
                    if rng.random() < 0.55:
                        self.post(
                            loc,
                            o["ts"] + math.exp(self.np.normal(math.log(240), 1.0)),
                            None,
                            kind="rt",
                            ref=o["id"],
                            source="TweetDeck",
                        )
            for _ in range(12):  # campaign kit texts
                ts0 = self.diurnal_time(START, END)
                txt = rng.choice(kit)
                for loc in locs:
                    if rng.random() < 0.6:
                        self.post(
                            loc,
                            ts0 + rng.uniform(0, 7200),
                            txt,
                            hashtags=["MacronPresident" if party == "EM" else "MarinePresidente"],
                            urls=[
                                (
                                    "https://"
                                    + (
                                        "en-marche.fr/evenements"
                                        if party == "EM"
                                        else "www.frontnational.com/agenda"
                                    ),
                                    None,
                                )
                            ],
                            source="TweetDeck",
                        )
        # Le Monde: journalists + RSS feeds + aggregators
        lm = self.infl_by_handle["lemondefr"]
        journ = [
            self.add_user(
                j,
                j.replace("_", " "),
                rng.uniform(y2012, START - 400 * DAY),
                "Journaliste au @lemondefr",
                rng.randrange(3000, 60000),
                1000,
                rng.random() < 0.5,
                role="org_newsroom",
            )
            for j in LEMONDE_JOURN
        ]
        lm_posts = [
            t
            for t in self.tweets
            if t["author"] in (lm["uid"], self.infl_by_handle["LesDecodeurs"]["uid"])
            and t["kind"] == "orig"
        ]
        for o in lm_posts:
            for j in journ:
                if rng.random() < 0.25:
                    self.post(
                        j,
                        o["ts"] + math.exp(self.np.normal(math.log(300), 1.2)),
                        None,
                        kind="rt",
                        ref=o["id"],
                        source="TweetDeck",
                    )
        rss = [
            self.add_user(
                n,
                n,
                rng.uniform(y2012, START - 400 * DAY),
                "Flux automatique des articles du Monde",
                rng.randrange(200, 5000),
                5,
                False,
                role="org_rss",
            )
            for n in ("lemonde_rss", "LeMondeLive_feed", "lemonde_actu_bot")
        ]
        for a in lm["arts"]:
            for r in rss:
                self.post(
                    r, a[2] + rng.uniform(30, 300), a[1], urls=[(a[0], None)], source="dlvr.it"
                )
        aggs = [
            self.add_user(
                n,
                n,
                rng.uniform(y2012, START - 400 * DAY),
                "Toute l'actu en continu",
                rng.randrange(500, 8000),
                10,
                False,
                role="org_aggregator",
            )
            for n in ("ActuFranceNow", "InfoContinueFR", "NewsFR_24")
        ]
        for inf in self.infl:
            if inf["type"] == "outlet" and inf["lang"] == "fr":
                for a in inf["arts"]:
                    for g in aggs:
                        if rng.random() < 0.5:
                            self.post(
                                g,
                                a[2] + rng.uniform(60, 1200),
                                a[1],
                                urls=[(a[0], None)],
                                source="IFTTT",
                            )
        # communities sharing their own rare links over days
        for _ in range(50):
            mem = rng.sample(self.ordinary, rng.randint(4, 10))
            site = rand_str(rng, 7).lower() + rng.choice(
                ["-asso.fr", "-club.fr", ".over-blog.com", ".wordpress.com"]
            )
            for _ in range(rng.randint(2, 6)):
                url = "https://{}/{}".format(
                    site,
                    "-".join(self.words("fr", 4).split()).replace("'", ""),
                )
                pub = rng.uniform(START, END - DAY)
                for u in mem:
                    if rng.random() < 0.6:
                        self.post(
                            u,
                            pub + rng.uniform(0, 3 * DAY),
                            self.free_text("fr", 3, 10),
                            urls=[(url, None)],
                        )
                        if self.roles.get(u) in ("ordinary", "avote", "petition"):
                            self.roles[u] = "community"
        # organic talk about #MacronLeaks (journalists' warnings, curious people)
        self.leak_organic = rng.sample(self.ordinary, 350)
        for u in self.leak_organic:
            lang = self.users[u]["_lang"]
            ts = LEAK + math.exp(self.np.normal(math.log(3 * 3600), 1.0))
            self.post(
                u,
                ts,
                self.free_text(lang, 4, 12),
                hashtags=["MacronLeaks"] + (["Presidentielle2017"] if rng.random() < 0.3 else []),
                lang=lang,
            )
            if self.roles.get(u) in ("ordinary", "avote", "petition"):
                self.roles[u] = "macronleaks_talk"

    # ================================================================= CAMPAIGNS
    def member(self, campaign, kind, role, handle, name, created, desc, followers, following):
        uid = self.add_user(
            handle, name, created, desc, followers, following, tweets=self.rng.randrange(5, 3000)
        )
        self.truth.append((uid, campaign, kind, role))
        return uid

    def popular_posts(self, min_rt=30):
        cnt = {}
        for t in self.tweets:
            if t["kind"] == "rt":
                cnt[t["ref"]] = cnt.get(t["ref"], 0) + 1
        return [self.tw_by_id[k] for k, v in cnt.items() if v >= min_rt], cnt

    def filler(self, u, n, lang="fr", tz=2, src=None):
        """organic-looking actions: join real cascades, news links, hashtags, replies."""
        rng, npr = self.rng, self.np
        for _ in range(n):
            r = rng.random()
            if r < 0.45:
                o = rng.choice(self.popular)
                d = math.exp(npr.normal(math.log(1200), 1.3))
                self.post(u, o["ts"] + d, None, kind="rt", ref=o["id"], source=src)
            elif r < 0.75:
                ts = self.diurnal_time(START, END, tz)
                a = self.pick_article(ts)
                self.post(
                    u,
                    ts,
                    self.free_text(lang),
                    hashtags=self.pick_hashtags(),
                    urls=[(a[0], None)] if a and rng.random() < 0.5 else [],
                    lang=lang,
                    source=src,
                )
            else:
                o = rng.choice(self.popular)
                self.post(
                    u,
                    o["ts"] + math.exp(npr.normal(math.log(1800), 1.2)),
                    self.free_text(lang, 4, 12),
                    kind="reply",
                    ref=o["id"],
                    lang=lang,
                    source=src,
                )

    def c1_spamouflage(self):
        rng, npr = self.rng, self.np
        C = "spamouflage"
        mem = []
        for day in ("2017-03-20", "2017-04-02", "2017-04-12"):
            d0 = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()
            for _ in range(30):
                if rng.random() < 0.5:
                    fn, ln = rng.choice(EN_FIRST), rng.choice(EN_LAST)
                else:
                    fn, ln = rng.choice(PINYIN_G), rng.choice(PINYIN)
                hd = (
                    fn + ln + str(rng.randrange(10**7, 10**8))
                    if rng.random() < 0.7
                    else rand_str(rng, 9)
                )
                mem.append(
                    self.member(
                        C,
                        "spamouflage",
                        "amplifier",
                        hd,
                        fn + " " + ln,
                        d0 + rng.uniform(0, 2 * DAY),
                        ""
                        if rng.random() < 0.6
                        else rng.choice(["Love life", "热爱生活", "Truth seeker", "世界和平"]),
                        rng.randrange(0, 16),
                        rng.randrange(5, 60),
                    )
                )
        templates = [
            (
                "en",
                "Guo Wengui is a liar who cheats his followers of their "
                "money, wake up everyone and see the truth",
            ),
            ("zh", "郭文贵 是一个 骗子 ， 他 骗取 追随者 的 钱财 ， 大家 醒醒 吧 看清 真相"),
            (
                "en",
                "The so called whistleblower Guo Wengui fled China after "
                "committing crimes of bribery and fraud",
            ),
            ("zh", "逃犯 郭文贵 涉嫌 行贿 诈骗 多项 罪名 ， 所谓 爆料 全是 谎言"),
            (
                "en",
                "Look at how Guo Wengui and Bannon use the media to spread "
                "rumours about China, shameful",
            ),
            (
                "en",
                "Hong Kong rioters are destroying the city, the silent "
                "majority wants peace and order back",
            ),
            ("zh", "香港 暴徒 破坏 城市 ， 沉默 的 大多数 希望 恢复 和平 与 秩序"),
            (
                "en",
                "Western media lies about China again, the truth is very "
                "different from what they tell you",
            ),
        ]
        tags = [
            "GuoWengui",
            "郭文贵",
            "HongKong",
            "China",
            "TruthAboutGuo",
            "Bannon",
            "Liar",
            "骗子",
        ]
        pushes = sorted(rng.uniform(START + DAY, END - DAY) for _ in templates)
        push_posts = []
        for (lang, tpl), p0 in zip(templates, pushes, strict=True):
            yt = "https://www.youtube.com/watch?v=" + rand_str(rng, 11)
            for u in mem:
                if rng.random() > 0.55:
                    continue
                for c in range(rng.choice([1, 1, 2, 3])):
                    ts = self.shift_delay(
                        p0 + math.exp(npr.normal(math.log(2400), 1.0)) + c * rng.uniform(600, 7200),
                        8,
                    )
                    txt = perturb(rng, tpl, lang)
                    ht = rng.sample(tags, rng.randint(3, 6)) + (
                        self.pick_hashtags(1) if rng.random() < 0.3 else []
                    )
                    if rng.random() < 0.5:
                        tid = self.post(
                            u,
                            ts,
                            txt,
                            hashtags=ht,
                            urls=[(yt, None)],
                            lang=lang,
                            source="Twitter Web Client",
                        )
                    else:
                        tid = self.post(
                            u,
                            ts,
                            txt,
                            hashtags=ht,
                            lang=lang,
                            source="Twitter Web Client",
                            media=self.new_media("video"),
                        )
                    if tid:
                        push_posts.append(tid)
        for u in mem:
            if rng.random() < 0.3:
                for _ in range(rng.randint(1, 4)):
                    o = self.tw_by_id[rng.choice(push_posts)]
                    if o["author"] != u:
                        self.post(
                            u,
                            o["ts"] + rng.uniform(3600, 4 * 3600),
                            None,
                            kind="rt",
                            ref=o["id"],
                            source="Twitter Web Client",
                        )
            quotes = [
                "Life is what happens when you're busy making other plans",
                "Keep calm and carry on",
                "The best is yet to come",
                "Good morning everyone, have a nice day",
                "Beautiful sunset today",
                "Nature is the best medicine",
                "Happiness is a journey, not a destination",
                "早上好 ， 美好的 一天",
            ]
            for _ in range(rng.randint(3, 15)):
                self.post(
                    u,
                    self.office_time(START, END, 8, False),
                    rng.choice(quotes),
                    lang="en",
                    source="Twitter Web Client",
                    media=self.new_media(),
                )

    def c2_ira(self):
        rng, npr = self.rng, self.np
        C = "ira_persona"
        y13 = datetime(2013, 1, 1, tzinfo=UTC).timestamp()
        personas = [
            "PatriotePierre",
            "Jeanne_Francaise",
            "MarcDupuisFR",
            "LaFranceDabord",
            "Sylvie_Citoyenne",
            "Gaulois_Fier",
            "Bernard_Patriote",
            "MamanDeFrance",
            "Vrai_Francais",
            "CelineLibre",
            "ReveilFrancais",
            "JacquesBonhomme",
            "Marianne_Veille",
            "Paul_Lorrain",
            "Nathalie_du_Sud",
        ]
        hubs = [
            self.member(
                C,
                "ira_persona",
                "hub",
                h,
                h.replace("_", " "),
                rng.uniform(y13, y13 + 2 * 365 * DAY),
                rng.choice(BIO_FR[:12]),
                rng.randrange(5000, 20000),
                rng.randrange(1000, 4000),
            )
            for h in ("FrancaisLibres", "Info_Patriote", "Alerte_France")
        ]
        mem = []
        for _ in range(40):
            hd = rng.choice(personas) + (str(rng.randrange(10, 99)) if rng.random() < 0.5 else "")
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            mem.append(
                self.member(
                    C,
                    "ira_persona",
                    "persona",
                    hd,
                    fn + " " + ln,
                    rng.uniform(y13, y13 + 3 * 365 * DAY),
                    rng.choice(
                        [
                            "Patriote. Mère de famille. #France",
                            "Fier d'être français",
                            "Catholique, conservateur",
                            "Ancien militaire. La France avant tout.",
                            "Chef d'entreprise, ras-le-bol fiscal",
                            "Infirmière et citoyenne en colère",
                        ]
                    ),
                    rng.randrange(300, 9000),
                    rng.randrange(300, 4000),
                )
            )
        for u in mem + hubs:
            self.filler(u, rng.randint(30, 80), "fr", tz=3, src="Twitter Web Client")
        rw_posts = [
            t for t in self.tweets if t["author"] in self.rightwing_uids and t["kind"] == "orig"
        ]
        for _ in range(25):
            if rng.random() < 0.5 and rw_posts:
                o = rng.choice(rw_posts)
                tid = o["id"]
            else:
                ts = self.shift_delay(self.diurnal_time(START, END, 3), 3)
                a = self.pick_article(ts)
                tid = self.post(
                    rng.choice(hubs),
                    ts,
                    self.free_text("fr", 8, 18),
                    hashtags=self.pick_hashtags(rng.randint(1, 2)),
                    urls=[(a[0], None)] if a else [],
                    source="Twitter Web Client",
                )
                if not tid:
                    continue
            o = self.tw_by_id[tid]
            part = rng.uniform(0.25, 0.5)
            for u in mem + hubs:
                if u == o["author"] or rng.random() > part:
                    continue
                ts = o["ts"] + math.exp(npr.normal(math.log(1500), 0.9))
                if rng.random() < 0.1:
                    self.post(
                        u,
                        ts,
                        self.free_text("fr", 3, 8),
                        kind="quote",
                        ref=tid,
                        source="Twitter Web Client",
                    )
                else:
                    self.post(u, ts, None, kind="rt", ref=tid, source="Twitter Web Client")

    def c3_doppelganger(self):
        rng = self.rng
        C = "doppelganger"
        clones = [
            ("lemonde.ltd", "lemonde"),
            ("leparisien.top", "slug"),
            ("lefigaro.me", "figaro"),
            ("20minutes.ws", "slug"),
            ("liberation.pm", "slug"),
            ("spiegel.ltd", "slug"),
            ("bild.work", "slug"),
        ]
        heads = [
            "les sanctions contre la russie ruinent les agriculteurs francais",
            "macron prepare une hausse massive des impots apres l election",
            "l ukraine revend les armes livrees par la france au marche noir",
            "l aide aux refugies coute des milliards aux retraites francais",
            "la crise energetique va priver les francais de chauffage cet hiver",
            "des experts allemands avertissent d une recession historique",
            "la france envoie secretement des soldats a l etranger",
            "l europe cache le vrai cout des sanctions aux citoyens",
            "les medias mainstream censurent les manifestations contre l otan",
            "le gouvernement falsifie les chiffres de l inflation",
        ]
        arts = []
        for hd in heads:
            dom, style = rng.choice(clones)
            pub = rng.uniform(START, END - 3 * DAY)
            arts.append(make_article_url(rng, dom, style, pub, hd))
        comments = [
            "Lisez ceci !",
            "Incroyable, personne n'en parle",
            "Voilà la vérité",
            "Ça fait peur...",
            "Ils nous mentent",
            "À partager massivement",
            "Regardez ça",
            "Les médias cachent ça",
            "Enfin quelqu'un le dit",
            "Réveillez-vous !",
            "C'est scandaleux",
            "Qui paie ? Nous.",
            "Quelle honte",
            "Pensez-y avant de voter",
            "Voilà où va notre argent",
            "On marche sur la tête",
            "Le vrai visage de ce gouvernement",
            "Ouvrez les yeux",
            "Tout est dit",
            "Et après on s'étonne...",
            "Lisez jusqu'au bout",
            "C'est grave",
            "Vous étiez au courant ?",
            "Stop !",
            "Partagez avant suppression",
        ]
        targets = [
            t
            for t in self.popular
            if self.roles.get(t["author"], "").startswith("influencer_")
            and self.roles[t["author"]] in ("influencer_politician", "influencer_outlet")
        ]
        for _ in range(60):
            first = rng.uniform(START + DAY, END - 2 * DAY)
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            u = self.member(
                C,
                "doppelganger",
                "amplifier",
                strip_accents(fn + ln) + str(rng.randrange(10**7, 10**8)),
                fn + " " + ln,
                first - rng.uniform(1, 5) * DAY,
                "",
                rng.randrange(0, 6),
                rng.randrange(0, 30),
            )
            life = rng.uniform(1, 4) * DAY
            for _ in range(rng.randint(8, 20) if self.overt else rng.randint(2, 8)):
                art = rng.choice(arts)
                r = rng.random()
                if r < (0.6 if self.overt else 0.3):
                    url = (art, None)
                elif r < 0.8:
                    red = "https://{}.{}/{}".format(
                        rand_str(rng, 6).lower(),
                        rng.choice(["click", "site", "online", "xyz", "fun"]),
                        rand_str(rng, 7),
                    )
                    url = (red, art if rng.random() < 0.3 else None)
                else:
                    url = ("https://bit.ly/" + rand_str(rng, 7), None)
                txt = rng.choice(comments)
                media = self.new_media() if rng.random() < 0.4 else None
                window = [t for t in targets if first <= t["ts"] <= first + life]
                if rng.random() < 0.8 and window:
                    o = rng.choice(window)
                    ts = o["ts"] + rng.uniform(300, 6 * 3600)
                    self.post(
                        u,
                        ts,
                        txt,
                        kind="reply",
                        ref=o["id"],
                        urls=[url],
                        media=media,
                        source="Twitter Web App",
                    )
                else:
                    ts = first + rng.uniform(0, life)
                    self.post(
                        u,
                        ts,
                        txt,
                        hashtags=rng.sample(
                            ["Presidentielle2017", "Macron", "France", "Sanctions", "Europe"], 2
                        ),
                        urls=[url],
                        media=media,
                        source="Twitter Web App",
                    )

    def c4_macronleaks(self):
        rng, npr = self.rng, self.np
        C = "macronleaks"
        y12 = datetime(2012, 1, 1, tzinfo=UTC).timestamp()
        core = [
            self.member(
                C,
                "hack_leak",
                "core",
                h,
                h,
                rng.uniform(y12, y12 + 3 * 365 * DAY),
                rng.choice(BIO_EN[:4]) + " #MAGA",
                rng.randrange(5000, 60000),
                rng.randrange(1000, 5000),
            )
            for h in (
                "JackPosobiecFan",
                "DeplorableKek",
                "AltRightWatch",
                "PepeLiberty",
                "RedPillFrance",
                "WikiLeakFeed",
            )
        ]
        links = [
            "https://pastebin.com/" + rand_str(rng, 8),
            "https://archive.org/details/EMLEAKS",
            "https://mega.nz/#F!" + rand_str(rng, 8),
            "https://mega.nz/#F!" + rand_str(rng, 8),
            "https://boards.4chan.org/pol/thread/1240" + str(rng.randrange(10000, 99999)),
        ]
        core_posts = []
        for u in core:
            for k in range(rng.randint(3, 5)):
                ts = LEAK + rng.uniform(0, 100 * 60) + (k * rng.uniform(0, 3600))
                txt = rng.choice(
                    [
                        "BREAKING: massive leak of Macron campaign emails",
                        "Macron campaign hacked, thousands of docs online",
                        "Leaked docs show Macron offshore accounts",
                        "#MacronLeaks is trending, France must know before Sunday",
                        "The media will not report this. Spread the word",
                    ]
                )
                tid = self.post(
                    u,
                    ts,
                    txt,
                    hashtags=["MacronLeaks"] + (["EnMarche"] if rng.random() < 0.4 else []),
                    urls=[(rng.choice(links), None)],
                    lang="en",
                )
                if tid:
                    core_posts.append(tid)
        # organic curiosity retweets of the core (hard negative)
        for u in rng.sample(self.ordinary, 150):
            o = self.tw_by_id[rng.choice(core_posts)]
            self.post(
                u, o["ts"] + math.exp(npr.normal(math.log(3600), 1.2)), None, kind="rt", ref=o["id"]
            )
            if self.roles.get(u) in ("ordinary", "avote", "petition"):
                self.roles[u] = "macronleaks_rt"
        y16 = datetime(2016, 10, 1, tzinfo=UTC).timestamp()
        bots = []
        for i in range(150):
            fn, ln = rng.choice(EN_FIRST), rng.choice(EN_LAST)
            hd = (
                fn + ln + str(rng.randrange(10, 9999))
                if rng.random() < 0.6
                else fn[0] + ln + "_" + rand_str(rng, 3)
            )
            created = y16 + (rng.uniform(0, 4) if i % 2 else rng.uniform(14, 18)) * DAY
            bots.append(
                self.member(
                    C,
                    "hack_leak",
                    "amplifier",
                    hd,
                    fn + " " + ln,
                    created,
                    rng.choice(BIO_EN),
                    rng.randrange(20, 800),
                    rng.randrange(100, 2000),
                )
            )
        bot_posts = []
        for u in bots:
            src = "Twitter for Android" if rng.random() < 0.6 else "Twitter Web Client"
            for tid in rng.sample(
                core_posts, rng.randint(5, 12) if self.overt else rng.randint(1, 4)
            ):
                o = self.tw_by_id[tid]
                self.post(
                    u,
                    o["ts"] + math.exp(npr.normal(math.log(600 if self.overt else 2100), 0.8)),
                    None,
                    kind="rt",
                    ref=tid,
                    source=src,
                )
            if rng.random() < 0.4:
                ts = LEAK + math.exp(npr.normal(math.log(5400), 0.7))
                txt = rng.choice(
                    [
                        "Macron leaks are real, read them",
                        "Huge: Macron docs leaked",
                        "French voters deserve the truth",
                        "Why is the media silent about the leaks?",
                        "Download before they delete it",
                    ]
                )
                tid = self.post(
                    u,
                    ts,
                    txt + " " + rng.choice(["!!", "", "...", "!"]),
                    hashtags=["MacronLeaks"]
                    + rng.sample(
                        ["Macron", "France", "EnMarche", "Presidentielle2017", "LePen"],
                        rng.randint(0, 2),
                    ),
                    urls=[(rng.choice(links), None)],
                    lang="en",
                    source=src,
                )
                if tid:
                    bot_posts.append(tid)
        for u in rng.sample(bots, 60):
            if bot_posts:
                o = self.tw_by_id[rng.choice(bot_posts)]
                self.post(
                    u, o["ts"] + rng.uniform(2 * 3600, 14 * 3600), None, kind="rt", ref=o["id"]
                )

    def c5_fox8(self):
        rng, npr = self.rng, self.np
        C = "fox8"
        y12 = datetime(2012, 1, 1, tzinfo=UTC).timestamp()
        mem = [
            self.member(
                C,
                "llm_botnet",
                "bot",
                rng.choice(EN_FIRST)
                + rng.choice(EN_LAST)
                + rng.choice(["", "_", "x"])
                + str(rng.randrange(1, 99)),
                rng.choice(EN_FIRST) + " " + rng.choice(EN_LAST),
                rng.uniform(y12, y12 + 4 * 365 * DAY),
                rng.choice(BIO_EN),
                rng.randrange(200, 5000),
                rng.randrange(200, 5000),
            )
            for _ in range(70)
        ]
        sites = ["fox8news.com", "cryptnomics.org", "globaleconomicsnews.com"]
        own = []
        for u in mem:
            for _ in range(rng.randint(15, 40)):
                ts = rng.uniform(START, END)
                if rng.random() < 0.03:
                    txt = rng.choice(
                        [
                            "As an AI language model, I cannot browse the "
                            "internet or access new information",
                            "I'm sorry, but as an AI language model I cannot "
                            "provide an opinion on this topic",
                            "As an AI language model, I do not have personal "
                            "beliefs, but here is a tweet about crypto",
                        ]
                    )
                else:
                    txt = llm_text(rng)
                urls = []
                if rng.random() < 0.4:
                    urls = [
                        (
                            "https://{}/{}".format(
                                rng.choice(sites),
                                "-".join(llm_text(rng).lower().split()[:6]).strip(".,!"),
                            ),
                            None,
                        )
                    ]
                tid = self.post(
                    u,
                    ts,
                    txt,
                    hashtags=rng.sample(
                        [
                            "crypto",
                            "Bitcoin",
                            "NFT",
                            "Web3",
                            "Ethereum",
                            "blockchain",
                            "DeFi",
                            "Presidentielle2017",
                        ],
                        rng.randint(1, 3),
                    ),
                    urls=urls,
                    lang="en",
                    source="Twitter Web App",
                )
                if tid:
                    own.append(tid)
        for tid in own:
            o = self.tw_by_id[tid]
            others = [m for m in mem if m != o["author"]]
            for m in rng.sample(others, rng.randint(2, 8)):
                self.post(
                    m,
                    o["ts"] + math.exp(npr.normal(math.log(2700), 1.2)),
                    None,
                    kind="rt",
                    ref=tid,
                    source="Twitter Web App",
                )
            for m in rng.sample(others, rng.randint(0, 2)):
                self.post(
                    m,
                    o["ts"] + math.exp(npr.normal(math.log(2700), 1.2)),
                    llm_reply(rng),
                    kind="reply",
                    ref=tid,
                    lang="en",
                    source="Twitter Web App",
                )

    def c6_overload(self):
        rng = self.rng
        C = "overload"
        targets = [self.infl_by_handle[h]["uid"] for h in OUTLETS] + [
            self.infl_by_handle[h]["uid"] for h in JOURNALISTS[:10]
        ]
        y11 = datetime(2011, 1, 1, tzinfo=UTC).timestamp()
        mem = []
        for _ in range(50):
            fn, ln = rng.choice(FIRST + EN_FIRST), rng.choice(LAST + EN_LAST)
            if rng.random() < 0.7:
                mem.append(
                    self.member(
                        C,
                        "mention_bomb",
                        "fresh",
                        strip_accents(fn + ln) + str(rng.randrange(10**7, 10**8)),
                        fn + " " + ln,
                        START + rng.uniform(-10, 10) * DAY,
                        "",
                        rng.randrange(0, 10),
                        rng.randrange(0, 50),
                    )
                )
            else:
                mem.append(
                    self.member(
                        C,
                        "mention_bomb",
                        "hijacked",
                        rand_str(rng, 8),
                        rng.choice(["Crypto Queen", "Anime fan", "Gamer", fn]),
                        rng.uniform(y11, y11 + 3 * 365 * DAY),
                        rng.choice(BIO_EN),
                        rng.randrange(10, 300),
                        rng.randrange(10, 500),
                    )
                )
        fc_posts = [t for t in self.tweets if t["author"] in targets and t["kind"] == "orig"]
        openers = {
            "fr": [
                "Bonjour {m}, pouvez-vous vérifier cette vidéo ?",
                "{m} est-ce vrai ? Merci de vérifier",
                "Chers journalistes {m}, cette information est-elle authentique ?",
                "{m} Merci de vérifier ce contenu avant qu'il ne devienne viral",
                "Est-ce un fake ? {m} Qu'en pensez-vous ?",
                "{m} j'ai vu ça partout, c'est authentique ?",
                "Urgent {m} : vérifiez cette vidéo svp",
            ],
            "en": [
                "Hello {m}, can you please verify this video?",
                "{m} is this real? Please check",
                "Dear {m}, is this authentic?",
                "{m} please fact-check this before it spreads",
                "Fake or not? {m} what do you think?",
            ],
            "de": [
                "Hallo {m}, könnt ihr dieses Video prüfen?",
                "{m} ist das echt? Bitte prüfen",
                "Liebe {m}, stimmt das?",
            ],
        }
        topics = [
            "Ukrainian refugees",
            "the Paris metro",
            "Macron's meeting",
            "the BBC report",
            "vote fraud in Marseille",
            "the Olympic games",
            "Le Pen's bodyguards",
            "a Charlie Hebdo cover",
            "the French army",
            "bedbugs in Paris",
            "the AFP dispatch",
            "a Mélenchon rally",
            "polling stations",
            "the Louvre",
        ]
        for topic in topics * (2 if self.overt else 1):
            core_t = rng.sample(targets, 5)
            tme = f"https://t.me/{rand_str(rng, 8).lower()}/{rng.randrange(100, 9999)}"
            w0 = rng.uniform(START + DAY, END - DAY)
            span = rng.uniform(300, 3600) if self.overt else rng.uniform(1800, 6 * 3600)
            for u in rng.sample(mem, rng.randint(12, 20) if self.overt else rng.randint(6, 12)):
                ts = w0 + rng.uniform(0, span)
                lang = rng.choice(["fr", "fr", "en", "de"])
                tg = list(dict.fromkeys(core_t + rng.sample(targets, rng.randint(3, 15))))
                ms = [(self.h(x), x) for x in tg]
                body = (
                    rng.choice(openers[lang]).replace("{m}", " ".join("@" + m[0] for m in ms))
                    + " "
                    + ("(" + topic + ")" if rng.random() < 0.5 else "")
                )
                urls = [(tme, None)] if rng.random() < 0.5 else []
                media = None if urls else self.new_media("video")
                if rng.random() < 0.3:
                    cand = [t for t in fc_posts if t["ts"] < ts and ts - t["ts"] < DAY]
                    if cand:
                        o = rng.choice(cand)
                        self.post(
                            u,
                            ts,
                            body,
                            kind="reply",
                            ref=o["id"],
                            mentions=ms,
                            urls=urls,
                            media=media,
                            lang=lang,
                            source="Twitter Web App",
                        )
                        continue
                self.post(
                    u,
                    ts,
                    body,
                    mentions=ms,
                    urls=urls,
                    media=media,
                    lang=lang,
                    source="Twitter Web App",
                )

    def c7_slow(self):
        rng = self.rng
        C = "slow_sleeper"
        y12 = datetime(2012, 1, 1, tzinfo=UTC).timestamp()
        mem = []
        for _ in range(24):
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            mem.append(
                self.member(
                    C,
                    "slow_sleeper",
                    "sleeper",
                    strip_accents(rng.choice([fn + ln, fn[0] + "_" + ln, fn + "_" + ln[:4]])),
                    fn + " " + ln,
                    rng.uniform(y12, y12 + 4 * 365 * DAY),
                    rng.choice(BIO_FR),
                    rng.randrange(50, 2000),
                    rng.randrange(50, 1500),
                )
            )
        for u in mem:
            self.filler(u, rng.randint(10, 40), "fr", tz=2)
        sites = [
            "france-souveraine-info.fr",
            "le-reveil-citoyen.net",
            "observatoire-euro-libre.org",
        ]
        for _ in range(12):
            site = rng.choice(sites)
            url = "https://{}/{}".format(
                site, "-".join(self.words("fr", 6).split()).replace("'", "")
            )
            pub = rng.uniform(START, END - 4 * DAY)
            span = rng.uniform(3, 10) * DAY
            part = rng.uniform(0.3, 0.6)
            for u in mem:
                if rng.random() < part:
                    ts = self.diurnal_time(pub, min(END, pub + span))
                    self.post(
                        u,
                        ts,
                        self.free_text("fr", 4, 12),
                        hashtags=["StopUE2017"] if rng.random() < 0.2 else self.pick_hashtags(),
                        urls=[(url, None)],
                    )

    # ================================================================= output
    def write(self, out):
        os.makedirs(out, exist_ok=True)
        tweets = sorted(self.tweets, key=lambda t: -t["ts"])
        path = os.path.join(out, "tweets.jsonl")
        now = "2017-05-20T10:00:00+00:00"
        with open(path, "w", encoding="utf-8") as f:
            for p in range(0, len(tweets), 100):
                page = tweets[p : p + 100]
                data, uids, refs, mkeys = [], set(), {}, set()
                for t in page:
                    data.append(self.v2(t))
                    uids.add(t["author"])
                    for m in t["mentions"]:
                        uids.add(m[1])
                    if t["ref"]:
                        o = self.tw_by_id[t["ref"]]
                        refs[o["id"]] = self.v2(o)
                        uids.add(o["author"])
                    if t.get("media"):
                        mkeys.add(t["media"])
                doc = {
                    "data": data,
                    "includes": {
                        "users": [
                            {k: v for k, v in self.users[u].items() if not k.startswith("_")}
                            for u in sorted(uids)
                        ],
                        "tweets": list(refs.values()),
                    },
                    "meta": {
                        "newest_id": page[0]["id"],
                        "oldest_id": page[-1]["id"],
                        "result_count": len(page),
                        "next_token": rand_str(self.rng, 20),
                    },
                    "__twarc": {
                        "url": "https://api.twitter.com/2/tweets/search/all?query=...&max_results=100",
                        "version": "2.14.0",
                        "retrieved_at": now,
                    },
                }
                if mkeys:
                    doc["includes"]["media"] = [self.media[k] for k in sorted(mkeys)]
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        with open(os.path.join(out, "truth.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["account_id", "campaign", "kind", "role"])
            for r in self.truth:
                w.writerow(r)
        camp = {r[0] for r in self.truth}
        with open(os.path.join(out, "organic_roles.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["account_id", "role"])
            for u in self.users:
                if u not in camp:
                    w.writerow([u, self.roles.get(u, "ordinary")])
        try:
            import pandas as pd

            rows = [
                {
                    "account_id": r[0],
                    "platform": "x",
                    "campaign_id": r[1],
                    "campaign_type": r[2],
                    "role": r[3],
                }
                for r in self.truth
            ]
            rows += [
                {
                    "account_id": u,
                    "platform": "x",
                    "campaign_id": None,
                    "campaign_type": None,
                    "role": "organic",
                }
                for u in self.users
                if u not in camp
            ]
            pd.DataFrame(rows).to_parquet(os.path.join(out, "truth.parquet"), index=False)
        except Exception as e:  # optional
            print("truth.parquet not written:", e)
        return path, len(tweets)

    def v2(self, t):
        d = {
            "id": t["id"],
            "text": t["text"],
            "author_id": t["author"],
            "created_at": iso(t["ts"]),
            "conversation_id": t.get("conversation_id", t["id"]),
            "lang": t["lang"],
            "source": t["source"],
            "edit_history_tweet_ids": [t["id"]],
            "public_metrics": {
                "retweet_count": 0,
                "reply_count": 0,
                "like_count": 0,
                "quote_count": 0,
            },
        }
        if t["kind"] != "orig":
            typ = {"rt": "retweeted", "reply": "replied_to", "quote": "quoted"}[t["kind"]]
            d["referenced_tweets"] = [{"type": typ, "id": t["ref"]}]
        if t.get("in_reply_to_user_id"):
            d["in_reply_to_user_id"] = t["in_reply_to_user_id"]
        ents = {}
        txt = t["text"]
        if t["hashtags"]:
            ents["hashtags"] = []
            for hg in t["hashtags"]:
                i = txt.find("#" + hg)
                if i >= 0:
                    ents["hashtags"].append({"start": i, "end": i + 1 + len(hg), "tag": hg})
        if t["mentions"]:
            ents["mentions"] = []
            for un, uid in t["mentions"]:
                i = txt.find("@" + un)
                if i >= 0:
                    ents["mentions"].append(
                        {"start": i, "end": i + 1 + len(un), "username": un, "id": uid}
                    )
        if t["urls"] or t.get("media_tco"):
            ents["urls"] = []
            for exp, unw, tco in t["urls"]:
                i = txt.find(tco)
                u = {
                    "start": max(i, 0),
                    "end": max(i, 0) + len(tco),
                    "url": tco,
                    "expanded_url": exp,
                    "display_url": exp.split("://", 1)[-1][:26] + ("…" if len(exp) > 34 else ""),
                }
                if unw:
                    u["unwound_url"] = unw
                ents["urls"].append(u)
            if t.get("media_tco"):
                tco = t["media_tco"]
                i = txt.find(tco)
                mk = t["media"]
                ents["urls"].append(
                    {
                        "start": i,
                        "end": i + len(tco),
                        "url": tco,
                        "expanded_url": "https://twitter.com/{}/status/{}/{}/1".format(
                            self.h(t["author"]),
                            t["id"],
                            "video" if mk.startswith("7_") else "photo",
                        ),
                        "display_url": "pic.twitter.com/" + rand_str(self.rng, 10),
                        "media_key": mk,
                    }
                )
        if ents:
            d["entities"] = ents
        if t.get("media"):
            d["attachments"] = {"media_keys": [t["media"]]}
        return d


# ---------------------------------------------------------------------- helpers
def iso(ts):
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def rand_str(rng, n):
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def make_article_url(rng, dom, style, pub, title):
    slug = "-".join(
        strip_accents(title)
        .lower()
        .replace("'", " ")
        .replace(",", "")
        .replace(":", "")
        .replace(".", "")
        .split()[:10]
    )
    d = datetime.fromtimestamp(pub, UTC)
    if style == "lemonde":
        day = d.strftime("%Y/%m/%d")
        n = rng.randrange(5100000, 5130000)
        return f"https://www.{dom}/politique/article/{day}/{slug}_{n}_823448.html"
    if style == "figaro":
        return "https://www.{}/elections/presidentielle-2017/{}/{}.php".format(
            dom,
            d.strftime("%Y/%m/%d"),
            d.strftime("%d%m%Y") + "ARTFIG" + str(rng.randrange(10000, 99999)) + "-" + slug,
        )
    if style == "bbc":
        return f"https://www.{dom}/news/world-europe-{rng.randrange(39000000, 39999999)}"
    if style == "nyt":
        return "https://www.{}/{}/world/europe/{}.html".format(dom, d.strftime("%Y/%m/%d"), slug)
    section = rng.choice(["politique", "elections", "actualite", "monde", "news"])
    return f"https://www.{dom}/{section}/{slug}-{rng.randrange(1000, 99999)}"


def perturb(rng, tpl, lang):
    w = tpl.split()
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(w))
        j = min(len(w) - 1, i + 1)
        w[i], w[j] = w[j], w[i]
    if rng.random() < 0.4:
        w.insert(
            0, rng.choice(["Wake up!", "Truth:", "Share!", "看看", "真相", "Listen:", "Fact:"])
        )
    if rng.random() < 0.3:
        del w[rng.randrange(len(w))]
    txt = " ".join(w)
    if lang == "zh":
        txt = txt.replace(" ", "") if rng.random() < 0.5 else txt
    return txt + rng.choice(["", "!", "!!", " 😡", " 👇", " ...", "。"])


LLM_A = [
    "Just read",
    "I've been thinking about",
    "Fascinating to see",
    "It's worth noting",
    "Can't stop thinking about",
    "Big news today regarding",
    "People underestimate",
    "Let's talk about",
    "Here's my take on",
    "Honestly, nobody expected",
    "Interesting developments in",
    "Keep an eye on",
    "We need a conversation about",
    "Another day, another story about",
]
B = [
    "the Bitcoin halving",
    "Ethereum's next upgrade",
    "decentralized finance",
    "the French election",
    "NFT marketplaces",
    "crypto regulation in Europe",
    "the future of Web3",
    "stablecoins",
    "Macron's economic plan",
    "blockchain adoption",
    "the bear market",
    "institutional investors",
    "digital sovereignty",
    "central bank digital currencies",
    "altcoin season",
    "mining energy use",
    "the euro's future",
    "tokenized assets",
]
C_ = [
    "and its impact on everyday investors",
    "— the implications are huge",
    "which could reshape the market",
    "that nobody is discussing",
    "and what it means for our freedom",
    "as volatility returns",
    "in a world of rising inflation",
    "for the next generation",
    "while mainstream media looks away",
    "after this week's announcements",
    "from a long-term perspective",
    "amid growing uncertainty",
]
D = [
    "Thoughts?",
    "Stay informed!",
    "DYOR.",
    "Exciting times ahead!",
    "The future is now.",
    "What do you think?",
    "Bullish!",
    "Time will tell.",
    "Don't miss out.",
    "Buckle up.",
    "Let that sink in.",
    "",
    "",
    "",
]


SUBJ = [
    "Investors",
    "Analysts",
    "Everyday savers",
    "Young people",
    "Regulators",
    "Builders in the space",
    "Retail traders",
    "Economists",
    "Smart money",
    "Long-term holders",
    "Policy makers",
    "Tech founders",
    "European voters",
    "Critics",
    "Supporters",
    "Early adopters",
    "Institutions",
    "Families",
    "Small businesses",
    "Skeptics",
]
VERB = [
    "are watching",
    "keep underestimating",
    "seem excited about",
    "are quietly embracing",
    "remain worried about",
    "should pay attention to",
    "are debating",
    "can no longer ignore",
    "are betting on",
    "are rethinking",
    "have started questioning",
    "are doubling down on",
    "finally understand",
    "are pushing back against",
    "are talking about",
    "want clarity on",
    "are rushing into",
    "are slowly warming to",
]
ADV = [
    "right now",
    "more than ever",
    "this week",
    "in 2017",
    "despite the noise",
    "quietly",
    "at record pace",
    "for good reason",
    "without much fanfare",
    "as we speak",
    "after recent events",
    "across Europe",
    "worldwide",
]
EXTRA = [
    "The numbers tell a clear story.",
    "Volatility is part of the journey.",
    "Innovation never waits.",
    "History rarely repeats, but it rhymes.",
    "Transparency matters more than hype.",
    "Patience pays.",
    "Freedom and finance are linked.",
    "Mainstream outlets miss the point.",
    "Fundamentals still matter.",
    "This could change everything.",
    "Not financial advice.",
    "Adoption curves are steep.",
    "Markets reward conviction.",
    "The old system is struggling.",
    "Trust is earned, not given.",
    "Keep learning every day.",
    "Change is coming fast.",
]


def llm_text(rng):
    r = rng.random()
    if r < 0.5:
        parts = [
            rng.choice(SUBJ),
            rng.choice(VERB),
            rng.choice(B),
            rng.choice(ADV) + ".",
            rng.choice(EXTRA),
            rng.choice(D),
        ]
    else:
        parts = [
            rng.choice(LLM_A),
            rng.choice(B),
            rng.choice(C_) + ".",
            rng.choice(EXTRA),
            rng.choice(D),
        ]
    if rng.random() < 0.5:
        parts.insert(rng.randrange(len(parts)), rng.choice(EXTRA))
    return " ".join(x for x in parts if x)


def llm_reply(rng):
    return " ".join(
        x
        for x in [
            rng.choice(
                [
                    "Absolutely agree!",
                    "Great point.",
                    "So true.",
                    "Well said!",
                    "This is spot on.",
                    "Couldn't agree more.",
                    "Interesting perspective.",
                    "Exactly my thoughts.",
                    "Fair take.",
                    "Hmm, not sure.",
                    "Love this.",
                    "Underrated point.",
                    "100%.",
                ]
            ),
            rng.choice(EXTRA) if rng.random() < 0.6 else "",
            rng.choice(SUBJ),
            rng.choice(VERB),
            rng.choice(B) + ".",
            rng.choice(D),
        ]
        if x
    )


def generate(seed: int, out: str | os.PathLike, ordinary: int = 11000, stealth: str = "default"):
    """Write one scenario into ``out``; returns counts (what ``main`` prints).

    The call order below is part of the scenario: each step draws from the same random
    streams, so reordering them changes every later byte."""
    g = Gen(seed)
    g.overt = stealth == "overt"
    g.build_organic(ordinary)
    g.organic_posts()
    g.organic_identical()
    g.organisations()
    g.popular, _ = g.popular_posts(30)
    g.c1_spamouflage()
    g.c2_ira()
    g.c3_doppelganger()
    g.c4_macronleaks()
    g.c5_fox8()
    g.c6_overload()
    g.c7_slow()
    path, n = g.write(out)
    camp = {r[0] for r in g.truth}
    return {
        "path": path,
        "tweets": n,
        "users": len(g.users),
        "campaign_accounts": len(g.truth),
        "by_campaign": Counter(r[1] for r in g.truth),
        "campaign_tweets": sum(1 for t in g.tweets if t["author"] in camp),
        "by_kind": Counter(t["kind"] for t in g.tweets),
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ordinary", type=int, default=11000)
    ap.add_argument(
        "--stealth",
        choices=["default", "overt"],
        default="default",
        help="overt: sensitivity variant, C3/C4/C6 far more active (see OVERT in the header)",
    )
    a = ap.parse_args(argv)
    r = generate(a.seed, a.out, a.ordinary, a.stealth)
    print(
        f"wrote {r['path']}: {r['tweets']} tweets, {r['users']} users, "
        f"{r['campaign_accounts']} campaign accounts"
    )
    print(r["by_campaign"])
    print("campaign tweets:", r["campaign_tweets"])
    print("kinds:", r["by_kind"])
    return r


if __name__ == "__main__":
    main()
