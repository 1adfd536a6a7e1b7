"""What ``load_scale`` makes, and how much of it: Finland's 22 organisers with their regions,
the names it draws from, and the row counts for a ``--scale``.

At scale 1 (all of Finland): 1,000,000 customers, 2,000,000 vouchers, 5,000 providers,
22 organisers, about 800,000 reservations, 950,000 customerships, 10,000,000 events and
4,000,000 audit rows. Everything but the organisers scales linearly; the organisers are the
country's 22 at any scale.
"""

from dataclasses import dataclass

# The training data's organisers play Pirkanmaa and Kanta-Häme; they come first, in this order.
ESIMERKKI = "Esimerkin hyvinvointialue"
NAAPURI = "Naapurin hyvinvointialue"

# name, population in thousands (weights the customers), municipalities
ORGANISERS = [
    (ESIMERKKI, 530, ["Tampere", "Kangasala", "Nokia", "Ylöjärvi", "Lempäälä", "Pirkkala", "Orivesi", "Valkeakoski"]),
    (NAAPURI, 170, ["Hämeenlinna", "Riihimäki", "Forssa", "Janakkala", "Hattula"]),
    ("Helsingin kaupunki", 675, ["Helsinki"]),
    ("Itä-Uudenmaan hyvinvointialue", 100, ["Porvoo", "Loviisa", "Sipoo", "Askola", "Lapinjärvi"]),
    ("Keski-Uudenmaan hyvinvointialue", 200, ["Hyvinkää", "Järvenpää", "Tuusula", "Nurmijärvi", "Mäntsälä"]),
    ("Länsi-Uudenmaan hyvinvointialue", 480, ["Espoo", "Kauniainen", "Kirkkonummi", "Lohja", "Vihti", "Raasepori"]),
    ("Vantaan ja Keravan hyvinvointialue", 280, ["Vantaa", "Kerava"]),
    ("Varsinais-Suomen hyvinvointialue", 485, ["Turku", "Salo", "Kaarina", "Raisio", "Naantali", "Lieto"]),
    ("Satakunnan hyvinvointialue", 214, ["Pori", "Rauma", "Ulvila", "Kankaanpää", "Huittinen"]),
    ("Päijät-Hämeen hyvinvointialue", 205, ["Lahti", "Hollola", "Heinola", "Orimattila", "Asikkala"]),
    ("Kymenlaakson hyvinvointialue", 163, ["Kouvola", "Kotka", "Hamina"]),
    ("Etelä-Karjalan hyvinvointialue", 128, ["Lappeenranta", "Imatra"]),
    ("Etelä-Savon hyvinvointialue", 131, ["Mikkeli", "Savonlinna", "Pieksämäki"]),
    ("Pohjois-Savon hyvinvointialue", 248, ["Kuopio", "Iisalmi", "Varkaus", "Siilinjärvi"]),
    ("Pohjois-Karjalan hyvinvointialue", 163, ["Joensuu", "Kitee", "Lieksa", "Nurmes"]),
    ("Keski-Suomen hyvinvointialue", 275, ["Jyväskylä", "Jämsä", "Äänekoski", "Laukaa"]),
    ("Etelä-Pohjanmaan hyvinvointialue", 192, ["Seinäjoki", "Lapua", "Kauhava", "Kurikka"]),
    ("Pohjanmaan hyvinvointialue", 176, ["Vaasa", "Mustasaari", "Pietarsaari", "Kristiinankaupunki"]),
    ("Keski-Pohjanmaan hyvinvointialue", 77, ["Kokkola", "Kannus"]),
    ("Pohjois-Pohjanmaan hyvinvointialue", 415, ["Oulu", "Raahe", "Ylivieska", "Kempele", "Kuusamo"]),
    ("Kainuun hyvinvointialue", 72, ["Kajaani", "Kuhmo", "Sotkamo"]),
    ("Lapin hyvinvointialue", 177, ["Rovaniemi", "Kemi", "Tornio", "Sodankylä"]),
]

FIRST_NAMES = [
    "Aino", "Eino", "Helmi", "Väinö", "Siiri", "Onni", "Elli", "Toivo", "Lempi", "Veikko", "Aili", "Tauno",
    "Kerttu", "Pentti", "Hilkka", "Raimo", "Sirkka", "Erkki", "Tyyne", "Reino", "Anneli", "Matti", "Ritva", "Olavi",
    "Maria", "Juhani", "Helena", "Johannes", "Johanna", "Mikael", "Anna", "Antero", "Kaarina", "Tapani", "Marjatta",
    "Kalevi", "Liisa", "Ilmari", "Leena", "Mikko", "Tuula", "Timo", "Pirjo", "Kari", "Eila", "Jorma", "Irmeli",
    "Heikki", "Seija", "Esko", "Raija", "Jukka", "Marja", "Pekka", "Hannele", "Markku", "Tellervo", "Seppo",
    "Orvokki", "Juha", "Elina", "Ville", "Emilia", "Lauri", "Sofia", "Leo", "Aada", "Eetu", "Venla", "Oliver",
]
LAST_NAMES = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
    "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
    "Savolainen", "Lahtinen", "Ahonen", "Hiltunen", "Leinonen", "Miettinen", "Hakala", "Räsänen", "Kallio",
    "Hirvonen", "Väisänen", "Pitkänen", "Aaltonen", "Anttila", "Laaksonen", "Lindholm", "Manninen", "Peltonen",
    "Nurmi", "Koivisto", "Lindroos", "Kärkkäinen", "Mustonen", "Pelkonen", "Rinne", "Hyvönen", "Toivonen",
    "Ketola", "Harju", "Vainio", "Seppälä", "Huttunen", "Jääskeläinen", "Lindqvist", "Holmström", "Sjöberg",
    "Kettunen", "Kokkonen", "Moilanen", "Ojala", "Rautio", "Sirviö", "Tikkanen", "Heiskanen", "Kemppainen",
]
PROVIDER_WORDS = [
    "Hoiva", "Kotihoito", "Hyvinvointi", "Terveys", "Palvelukoti", "Kotiapu", "Hoitokoti", "Lääkärikeskus",
    "Seniori", "Arjen apu", "Omahoiva", "Kotipalvelu", "Siivouspalvelu", "Hoivakoti", "Terveysasema",
]
OFFICE_NAMES = ["Keskusta", "Itä", "Länsi", "Pohjoinen", "Etelä"]
STREETS = ["Kauppakatu", "Rantatie", "Koulukatu", "Asemakatu", "Kirkkokatu", "Puistotie", "Myllytie", "Torikatu"]

# Service contents of the training data, by name: base price (the factor of each provider
# multiplies it; euros stay 1.00).
BASE_PRICES = {
    "Kotihoidon käynti": "42.00",
    "Kotihoidon tunti": "48.50",
    "Siivouskerta": "55.00",
    "Kapitaatiokorvaus": "65.00",
    "Omaishoidon vapaan palvelut": "1.00",
    "Asumisvuorokausi": "165.00",
}

# Kinds of the scale vouchers: code, service (training data), share of vouchers in per cent,
# share of those reserved in per cent (capitation: chose a provider).
KINDS = [
    # code, service, voucher %, reserved %
    ("capitation", "Terveysaseman palvelut", 48, 95),
    ("home", "Kotihoito", 26, 80),
    ("cleaning", "Siivous", 5, 70),
    ("balance", "Omaishoidon vapaa", 10, 80),
    ("housing", "Tehostettu palveluasuminen", 11, 75),
]

# Events per reservation and month in use (times 0.5–1.5 at random); a balance voucher stops
# where its euros would run out.
EVENTS_PER_MONTH = {"home": 1.75, "cleaning": 1.5, "balance": 0.8, "housing": 1.0}

# Slots out of 1000 that the training providers take of their organiser's vouchers of a service
# (the rest go to the region's other providers, by weight): the known logins face real volume.
TRAINING_SHARES = {
    ("Hoiva Esimerkki Oy", ESIMERKKI): 450,
    ("Hoiva Esimerkki Oy", NAAPURI): 400,
    ("Kilpailija Oy", ESIMERKKI): 150,
    ("Kotiapu Lehtonen Oy", ESIMERKKI): 150,
    ("Palvelukoti Koivula Oy", ESIMERKKI): 150,
    ("Puhdas Koti Oy", ESIMERKKI): 150,
}
SLOTS = 1000

# Who records for the training providers (load_demo's users).
TRAINING_USERS = {
    "Hoiva Esimerkki Oy": ("tuottaja", "kirjaaja"),
    "Kilpailija Oy": ("kilpailija", "kilpailija"),
}
TRAINING_ORGANISER_USERS = {ESIMERKKI: "jarjestaja", NAAPURI: "naapuri"}

FIRST_VOUCHER_NUMBER = 100_000_000
MIN_NEW_PROVIDERS = 2 * len(ORGANISERS)  # at least two in every region, offering every service


@dataclass(frozen=True)
class Plan:
    """Row counts that ``load_scale`` adds at ``scale`` (the ones it makes exactly)."""

    scale: float
    customers: int
    vouchers: int
    new_providers: int
    new_organisers: int
    audit_entries: int
    # approximate targets, reached by drawing
    reservations: int
    customerships: int
    events: int

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        customers = max(100, round(1_000_000 * scale))
        return cls(
            scale=scale,
            customers=customers,
            vouchers=2 * customers,
            new_providers=max(MIN_NEW_PROVIDERS, round(5_000 * scale) - 5),
            new_organisers=len(ORGANISERS) - 2,
            audit_entries=max(100, round(4_000_000 * scale)),
            reservations=round(800_000 * scale),
            customerships=round(950_000 * scale),
            events=round(10_000_000 * scale),
        )
