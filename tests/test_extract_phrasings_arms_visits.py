"""A catalogue of how news writes arms transfers and official visits.

Each case is an invented wire-copy sentence (not taken from any evaluation page) with the
events it must give, or none; it tests a way of writing, not one article."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from tests.test_extract_engine import assert_exactly, events_of, shared_nlp

Want = dict[str, Any]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return shared_nlp()


def _check(nlp: Language, body: str, kind: str, wanted: list[Want]) -> None:
    """The events of `kind` in `body` are exactly the wanted ones."""
    assert_exactly(events_of(nlp, body, kind=kind), wanted)


def arms(
    origin: str, destination: str, items: list[str], modality: str | None = "asserted"
) -> Want:
    """An arms transfer; `modality=None` leaves the modality unchecked."""
    want: Want = {"origin": origin, "destination": destination, "items": items}
    return want if modality is None else {**want, "modality": modality}


def visit(
    origin: str,
    destination: str,
    leader: str | None,
    phase: str | None,
    modality: str = "asserted",
    **more: Any,
) -> Want:
    return {
        "origin": origin,
        "destination": destination,
        "leader": leader,
        "phase": phase,
        "modality": modality,
        **more,
    }


def xfail(reason: str, *values: Any) -> Any:
    return pytest.param(*values, marks=pytest.mark.xfail(reason=reason, strict=True))


# --- arms transfers ---------------------------------------------------------------------------

ARMS: list[Any] = [
    # Active verbs of giving, with "to" the recipient.
    (
        "Turkey delivered 20 Bayraktar drones to Kenya on Tuesday.",
        [arms("TUR", "KEN", ["drones"])],
    ),
    (
        "South Korea has supplied K9 howitzers to Poland under a 2022 framework deal.",
        [arms("KOR", "POL", ["artillery"])],
    ),
    (
        "Germany shipped 5,000 artillery shells to Ukraine last month.",
        [arms("DEU", "UKR", ["ammunition"])],
    ),
    (
        "France handed over two patrol vessels to the Senegalese navy at a ceremony in Lorient.",
        [arms("FRA", "SEN", ["warships"])],
    ),
    (
        "Israel transferred air defence systems to Azerbaijan in 2023, according to a report "
        "by a Stockholm think tank.",
        [arms("ISR", "AZE", ["air defense systems"], "reported")],
    ),
    (
        "China sold eight submarines to Pakistan in a deal signed in 2015.",
        [arms("CHN", "PAK", ["warships"])],
    ),
    (
        "India exported BrahMos cruise missiles to the Philippines in April.",
        [arms("IND", "PHL", ["missiles"])],
    ),
    # The recipient as indirect object or with "with".
    (
        "Canada has provided Ukraine with 39 armoured vehicles.",
        [arms("CAN", "UKR", ["tanks"])],
    ),
    (
        "Sweden gave Ukraine ten Leopard tanks last year.",
        [arms("SWE", "UKR", ["tanks"])],
    ),
    # Passives and the recipient's side.
    (
        "Twelve attack helicopters were delivered to Nigeria by the United States in March.",
        [arms("USA", "NGA", ["fighter jets"])],
    ),
    (
        "Egypt received four Rafale fighter jets from France on Monday.",
        [arms("FRA", "EGY", ["fighter jets"])],
    ),
    (
        "Poland has received the first batch of K2 tanks from South Korea.",
        [arms("KOR", "POL", ["tanks"])],
    ),
    (
        "Kazakhstan took delivery of four military helicopters from France on Friday.",
        [arms("FRA", "KAZ", ["fighter jets"])],
    ),
    # Purchases.
    (
        "Indonesia bought 42 Rafale jets from France in a deal worth $8 billion.",
        [arms("FRA", "IDN", ["fighter jets"])],
    ),
    (
        "The Philippines acquired two frigates from South Korea in 2020.",
        [arms("KOR", "PHL", ["warships"])],
    ),
    (
        "Saudi Arabia purchased missile defense systems from the United States last year.",
        [arms("USA", "SAU", ["air defense systems"])],
    ),
    (
        "Serbia signed a contract on Thursday to buy 12 Rafale fighter jets from France.",
        [arms("FRA", "SRB", ["fighter jets"], None)],
    ),
    (
        "Serbia signed a contract on Thursday to buy 12 Rafale fighter jets from France.",
        [arms("FRA", "SRB", ["fighter jets"], "planned")],
    ),
    (
        "Turkish drone maker Baykar has signed a deal to supply drones to Kuwait.",
        [arms("TUR", "KWT", ["drones"], None)],
    ),
    (
        "Poland approved the purchase of 96 attack helicopters from the United States.",
        [arms("USA", "POL", ["fighter jets"])],
    ),
    (
        "Morocco's purchase of 24 Turkish drones was completed in March.",
        [arms("TUR", "MAR", ["drones"])],
    ),
    (
        "Egypt has taken delivery of the first of 30 Rafale jets ordered from France.",
        [arms("FRA", "EGY", ["fighter jets"])],
    ),
    (
        "Nigeria has taken delivery of 12 attack helicopters built in the United States.",
        [arms("USA", "NGA", ["fighter jets"])],
    ),
    (
        "Vietnam ordered 20 K9 howitzers from South Korea in January.",
        [arms("KOR", "VNM", ["artillery"])],
    ),
    # Nouns of transfer.
    (
        "Israel's delivery of 12 howitzers to Morocco was completed in May.",
        [arms("ISR", "MAR", ["artillery"])],
    ),
    (
        "Washington's sale of F-16 fighter jets to Turkey was approved by Congress on Thursday.",
        [arms("USA", "TUR", ["fighter jets"])],
    ),
    (
        "Deliveries of Israeli air defence systems to Morocco began in 2024.",
        [arms("ISR", "MAR", ["air defense systems"])],
    ),
    (
        "Russian deliveries of air defence systems to India resumed this year.",
        [arms("RUS", "IND", ["air defense systems"])],
    ),
    (
        "The shipment of 300 rockets from Bulgaria to Ukraine left the port of Varna on Sunday.",
        [arms("BGR", "UKR", ["missiles"])],
    ),
    (
        "The State Department approved a $2 billion sale of missiles to Taiwan on Friday.",
        [arms("USA", "TWN", ["missiles"])],
    ),
    (
        "The United States unveiled a $2 billion arms package for Taiwan on Friday.",
        [arms("USA", "TWN", ["weapons"])],
    ),
    # Plans, possibilities, denials, allegations.
    (
        "Japan plans to supply radar systems to the Philippines.",
        [arms("JPN", "PHL", ["military equipment"], "planned")],
    ),
    (
        "Norway will send tanks, air defence systems and ammunition to Ukraine.",
        [arms("NOR", "UKR", ["tanks", "air defense systems", "ammunition"], "planned")],
    ),
    (
        "Greece is expected to transfer 32 howitzers to Ukraine, the ministry said.",
        [arms("GRC", "UKR", ["artillery"], "planned")],
    ),
    (
        "Brazil could sell armoured vehicles to the Philippines, officials said.",
        [arms("BRA", "PHL", ["tanks"], "speculative")],
    ),
    (
        "Iran denied providing drones to Russia.",
        [arms("IRN", "RUS", ["drones"], "negated")],
    ),
    (
        "Ukraine accused Belarus of supplying ammunition to Russia.",
        [arms("BLR", "RUS", ["ammunition"], "alleged")],
    ),
    (
        "Switzerland has refused to export ammunition to Ukraine.",
        [arms("CHE", "UKR", ["ammunition"], "negated")],
    ),
    # Relative clauses and participles.
    (
        "Russia has been firing drones supplied by Iran, the Pentagon said.",
        [arms("IRN", "RUS", ["drones"], "reported")],
    ),
    (
        "The frigates, which Italy sold to Egypt in 2020, took part in the drill.",
        [arms("ITA", "EGY", ["warships"])],
    ),
    (
        "Tanks sent to Ukraine by Portugal arrived at the front in March.",
        [arms("PRT", "UKR", ["tanks"])],
    ),
    # A consignment arriving, and goods named by their supplier.
    (
        "The first batch of J-10C fighter jets from China arrived in Pakistan in March.",
        [arms("CHN", "PAK", ["fighter jets"])],
    ),
    (
        "The first tranche of K2 tanks arrived in Poland from South Korea on Tuesday.",
        [arms("KOR", "POL", ["tanks"])],
    ),
    (
        "Ukrainian forces fired British-supplied Storm Shadow missiles at Russian targets.",
        [arms("GBR", "UKR", ["missiles"])],
    ),
    (
        "Hungary's defence ministry said it had received the last of 44 Leopard 2A7 tanks "
        "ordered from Germany.",
        [arms("DEU", "HUN", ["tanks"], "reported")],
    ),
    (
        "Rheinmetall, the German arms maker, will supply 155mm shells to Lithuania under a new "
        "contract.",
        [arms("DEU", "LTU", ["ammunition"], "planned")],
    ),
    (
        "Egypt is negotiating the purchase of Chinese J-10C fighter jets.",
        [arms("CHN", "EGY", ["fighter jets"], None)],
    ),
    # A transfer noun whose sender the story names in the sentences before.
    (
        "South Korea and Estonia signed a defence deal in Seoul on Monday.\n\n"
        "South Korean officials said the agreement with Estonia was worth $200 million. "
        "Estonian Defence Minister Hanno Pevkur thanked South Korea for its support. "
        "South Korea and Estonia also agreed to expand cooperation, and Estonia's army chief "
        "welcomed the South Korean offer.\n\n"
        "The deal includes the delivery of 48 howitzers to Estonia by 2026.",
        [arms("KOR", "EST", ["artillery"], None)],
    ),
    (
        "Iran has been arming Houthi rebels in Yemen with missiles and drones.",
        [arms("IRN", "YEM", ["missiles", "drones"])],
    ),
    (
        "India signed a deal with France for 26 Rafale Marine jets.",
        [arms("FRA", "IND", ["fighter jets"], None)],
    ),
    # Several suppliers or recipients: one transfer per pair.
    (
        "Ukraine has received the first F-16 fighter jets from Denmark and the Netherlands.",
        [arms("DNK", "UKR", ["fighter jets"]), arms("NLD", "UKR", ["fighter jets"])],
    ),
    (
        "The Netherlands and Denmark have pledged to supply F-16 fighter jets to Ukraine.",
        [
            arms("NLD", "UKR", ["fighter jets"], "planned"),
            arms("DNK", "UKR", ["fighter jets"], "planned"),
        ],
    ),
    (
        "Ethiopia has acquired Turkish and Iranian drones.",
        [arms("TUR", "ETH", ["drones"]), arms("IRN", "ETH", ["drones"])],
    ),
    (
        "Serbia shipped mortar rounds and rifles to Armenia and Georgia last year.",
        [
            arms("SRB", "ARM", ["ammunition", "weapons"]),
            arms("SRB", "GEO", ["ammunition", "weapons"]),
        ],
    ),
    (
        "The United States sold jets to Israel and Egypt.",
        [arms("USA", "ISR", ["fighter jets"]), arms("USA", "EGY", ["fighter jets"])],
    ),
    (
        "Russia supplied weapons to Syria and Iran condemned the strikes.",
        [arms("RUS", "SYR", ["weapons"])],
    ),
    # Hardware the item lexicon does not list by name.
    (
        "Germany sent IRIS-T systems to Ukraine.",
        [arms("DEU", "UKR", ["air defense systems"])],
    ),
    (
        "Japan provided patrol ships to the Philippines.",
        [arms("JPN", "PHL", ["warships"])],
    ),
    (
        "France shipped Caesar self-propelled guns to Armenia.",
        [arms("FRA", "ARM", ["artillery"])],
    ),
    (
        "Turkey supplied combat vehicles to Kenya.",
        [arms("TUR", "KEN", ["tanks"])],
    ),
    (
        "The United States sent interceptors to Israel.",
        [arms("USA", "ISR", ["missiles"])],
    ),
    (
        "Minsk has received Iskander missile systems from Moscow.",
        [arms("RUS", "BLR", ["missiles"])],
    ),
    (
        "The United States delivered C-130 transport planes to Kenya.",
        [arms("USA", "KEN", ["fighter jets"])],
    ),
    (
        "Germany delivered Patriot batteries to Ukraine.",
        [arms("DEU", "UKR", ["air defense systems"])],
    ),
    (
        "Poland will donate 60 tanks to Ukraine.",
        [arms("POL", "UKR", ["tanks"], "planned")],
    ),
]

ARMS_NONE: list[str] = [
    "The courier delivered the parcels to the embassy in Nairobi on Monday.",
    "Australia shipped two million tonnes of wheat to China last year.",
    "Japan sent condolences to Turkey after the earthquake.",
    "South Africa provided humanitarian aid to Mozambique after the floods.",
    "Kenyan President William Ruto delivered a speech to parliament on Thursday.",
    "Indonesia bought 200,000 tonnes of rice from Vietnam in March.",
    "Brazil sold 20 passenger aircraft to Kenya.",
    "Japan sent rescue ships to Turkey after the earthquake.",
    "Iran sent Hezbollah fighters to Syria.",
    "Germany sent police vehicles to Moldova.",
    "China sold 5G systems to Serbia.",
    "India's imports of Russian oil rose sharply last year.",
    "Kenya received 20 ambulances from China.",
    "Russia has delivered humanitarian supplies to Syria.",
    "Chinese warships arrived in Cambodia for a port call.",
    "A consignment of Russian wheat arrived in Egypt.",
    "Russia said it shot down US-supplied missiles over Crimea.",
]


@pytest.mark.parametrize(("body", "wanted"), ARMS)
def test_arms_phrasings(nlp: Language, body: str, wanted: list[Want]) -> None:
    _check(nlp, body, "arms_transfer", wanted)


@pytest.mark.parametrize("body", ARMS_NONE)
def test_not_arms_transfers(nlp: Language, body: str) -> None:
    _check(nlp, body, "arms_transfer", [])


# --- delegation visits ------------------------------------------------------------------------

VISITS: list[Any] = [
    # Arrivals, departures, journeys.
    (
        "Indian Prime Minister Narendra Modi arrived in Hanoi on Monday on a three-day visit.",
        [visit("IND", "VNM", "Narendra Modi", "arrived", place="Hanoi")],
    ),
    (
        "Japanese Foreign Minister Takeshi Iwaya flew to Canberra on Sunday for talks with "
        "his Australian counterpart.",
        [visit("JPN", "AUS", "Takeshi Iwaya", "departed", place="Canberra")],
    ),
    (
        "Australian Prime Minister Anthony Albanese landed in Jakarta on Tuesday.",
        [visit("AUS", "IDN", "Anthony Albanese", "arrived", place="Jakarta")],
    ),
    (
        "Mexican Foreign Minister Alicia Barcena headed to Ottawa on Sunday for trade talks.",
        [visit("MEX", "CAN", "Alicia Barcena", "departed", place="Ottawa")],
    ),
    (
        "Prime Minister Anwar Ibrahim of Malaysia arrived in Ankara on Thursday.",
        [visit("MYS", "TUR", "Anwar Ibrahim", "arrived", place="Ankara")],
    ),
    (
        "The Iranian foreign minister, Abbas Araghchi, arrived in Riyadh on Wednesday.",
        [visit("IRN", "SAU", "Abbas Araghchi", "arrived", place="Riyadh")],
    ),
    (
        "Pakistani army chief General Asim Munir arrived in Washington on an official visit.",
        [visit("PAK", "USA", "Asim Munir", "arrived", delegation_kind="military")],
    ),
    # Visits as verbs and nouns.
    (
        "Argentine President Javier Milei is visiting Israel this week.",
        [visit("ARG", "ISR", "Javier Milei", "ongoing")],
    ),
    (
        "Saudi Foreign Minister Faisal bin Farhan paid an official visit to Tehran on Saturday.",
        [visit("SAU", "IRN", "Faisal bin Farhan", "completed", place="Tehran")],
    ),
    (
        "Polish President Andrzej Duda wrapped up a visit to Seoul on Thursday.",
        [visit("POL", "KOR", "Andrzej Duda", "completed", place="Seoul")],
    ),
    (
        "Norwegian Prime Minister Jonas Gahr Store concluded a two-day visit to Warsaw on Friday.",
        [visit("NOR", "POL", "Jonas Gahr Store", "completed", place="Warsaw")],
    ),
    (
        "Kenyan President William Ruto's trip to Beijing ended on Friday.",
        [visit("KEN", "CHN", "William Ruto", "completed", place="Beijing")],
    ),
    (
        "Kazakh President Kassym-Jomart Tokayev began a state visit to Germany on Wednesday.",
        [visit("KAZ", "DEU", "Kassym-Jomart Tokayev", "ongoing")],
    ),
    (
        "Egyptian President Abdel Fattah al-Sisi visited the Chinese capital on Wednesday.",
        [visit("EGY", "CHN", "Abdel Fattah al-Sisi", "completed")],
    ),
    (
        "Mongolian President Ukhnaa Khurelsukh visited the city of Osaka on Sunday.",
        [visit("MNG", "JPN", "Ukhnaa Khurelsukh", "completed", place="Osaka")],
    ),
    # Plans.
    (
        "Turkish President Recep Tayyip Erdogan will travel to Riyadh next week, his office said.",
        [visit("TUR", "SAU", "Recep Tayyip Erdogan", None, "planned", place="Riyadh")],
    ),
    (
        "Nigerian President Bola Tinubu will pay a state visit to France next month.",
        [visit("NGA", "FRA", "Bola Tinubu", None, "planned")],
    ),
    (
        "Colombian President Gustavo Petro is expected to visit Beijing in May.",
        [visit("COL", "CHN", "Gustavo Petro", None, "planned", place="Beijing")],
    ),
    (
        "Chinese Premier Li Qiang will tour Brazil, Chile and Peru next month.",
        [
            visit("CHN", "BRA", "Li Qiang", None, "planned"),
            visit("CHN", "CHL", "Li Qiang", None, "planned"),
            visit("CHN", "PER", "Li Qiang", None, "planned"),
        ],
    ),
    (
        "Iraqi Prime Minister Mohammed Shia al-Sudani postponed his trip to Washington.",
        [visit("IRQ", "USA", "Mohammed Shia al-Sudani", None, "negated")],
    ),
    (
        "Pakistani Prime Minister Shehbaz Sharif left Beijing on Friday after a five-day visit.",
        [visit("PAK", "CHN", "Shehbaz Sharif", "completed")],
    ),
    (
        "South African President Cyril Ramaphosa is on a two-day state visit to Kenya.",
        [visit("ZAF", "KEN", "Cyril Ramaphosa", "ongoing")],
    ),
    (
        "Indian Prime Minister Narendra Modi's Moscow visit drew criticism from Kyiv.",
        [visit("IND", "RUS", "Narendra Modi", None)],
    ),
    (
        "Hungarian Prime Minister Viktor Orban, who is visiting Beijing, told reporters the war "
        "must end.",
        [visit("HUN", "CHN", "Viktor Orban", "ongoing", "reported", place="Beijing")],
    ),
    (
        "Egyptian Foreign Minister Badr Abdelatty is scheduled to arrive in Athens on Tuesday.",
        [visit("EGY", "GRC", "Badr Abdelatty", "arrived", "planned", place="Athens")],
    ),
    (
        "Mexican President Claudia Sheinbaum will not travel to Washington, her office said.",
        [visit("MEX", "USA", "Claudia Sheinbaum", None, "negated")],
    ),
    # Leaders by surname, and the story told over two sentences.
    (
        "Lavrov arrived in Pyongyang on Friday for talks.",
        [visit("RUS", "PRK", "Sergey Lavrov", "arrived", place="Pyongyang")],
    ),
    (
        "Russian Foreign Minister Sergei Lavrov held talks in Moscow on Monday.\n\n"
        "Lavrov then flew to Pyongyang on Friday.",
        [visit("RUS", "PRK", "Sergei Lavrov", "departed", place="Pyongyang")],
    ),
    (
        "Kenya's President William Ruto arrived in Beijing on Wednesday.\n\n"
        "During the visit, Ruto will meet Chinese President Xi Jinping.",
        [visit("KEN", "CHN", "William Ruto", "arrived", place="Beijing")],
    ),
    (
        "Ruto returned to Nairobi on Sunday after a week-long trip to the United States.",
        [visit("KEN", "USA", "William Ruto", "completed")],
    ),
    (
        "Pakistani President Asif Ali Zardari began a five-day visit to China on Tuesday.",
        [visit("PAK", "CHN", "Asif Ali Zardari", "ongoing")],
    ),
    (
        "Vietnam's top leader To Lam will pay a state visit to Laos from Thursday.",
        [visit("VNM", "LAO", "To Lam", None, "planned")],
    ),
    # Delegations of several kinds.
    (
        "A delegation from Myanmar's military government, headed by Senior General Min Aung "
        "Hlaing, arrived in Moscow on Tuesday.",
        [visit("MMR", "RUS", "Min Aung Hlaing", "arrived", place="Moscow")],
    ),
    (
        "The Kenyan defence minister, Soipan Tuya, led a delegation to Addis Ababa on Monday.",
        [visit("KEN", "ETH", "Soipan Tuya", None, delegation_kind="military")],
    ),
    (
        "A delegation of South Korean lawmakers visited Ukraine last week.",
        [visit("KOR", "UKR", None, "completed", delegation_kind="parliamentary")],
    ),
    (
        "A high-level Qatari delegation is visiting Damascus.",
        [visit("QAT", "SYR", None, "ongoing", place="Damascus")],
    ),
    (
        "Senior North Korean officials travelled to Moscow this week, state media reported.",
        [visit("PRK", "RUS", None, "completed", "reported")],
    ),
    (
        "A Vietnamese military delegation led by Defence Minister Phan Van Giang left for "
        "Moscow on Tuesday.",
        [visit("VNM", "RUS", "Phan Van Giang", "departed", delegation_kind="military")],
    ),
    (
        "A parliamentary delegation from Ghana arrived in London on Monday.",
        [visit("GHA", "GBR", None, "arrived", delegation_kind="parliamentary")],
    ),
    (
        "A Chinese trade delegation visited Nairobi last week.",
        [visit("CHN", "KEN", None, "completed", delegation_kind="economic")],
    ),
    (
        "A Communist Party of Vietnam delegation led by Truong Thi Mai visited Laos in June.",
        [visit("VNM", "LAO", "Truong Thi Mai", "completed", delegation_kind="party")],
    ),
    (
        "An Ethiopian economic delegation is in Abu Dhabi to discuss investment.",
        [visit("ETH", "ARE", None, "ongoing", delegation_kind="economic")],
    ),
    # The host's side and the visitor named as such.
    (
        "Visiting Indonesian President Prabowo Subianto met Chinese President Xi Jinping in "
        "Beijing on Saturday.",
        [visit("IDN", "CHN", "Prabowo Subianto", "ongoing", place="Beijing")],
    ),
    (
        "Chinese President Xi Jinping held talks with visiting Indonesian President Prabowo "
        "Subianto on Saturday.",
        [visit("IDN", "CHN", "Prabowo Subianto", "ongoing")],
    ),
    (
        "German Chancellor Olaf Scholz was hosted by Indian Prime Minister Narendra Modi in "
        "New Delhi on Friday.",
        [visit("DEU", "IND", "Olaf Scholz", "completed")],
    ),
    (
        "Chinese President Xi Jinping told the visiting delegation from Brazil that ties were "
        "strong.",
        [visit("BRA", "CHN", None, "ongoing", "reported")],
    ),
    (
        "Brazilian Foreign Minister Mauro Vieira is in Jakarta for talks on trade.",
        [visit("BRA", "IDN", "Mauro Vieira", "ongoing", place="Jakarta")],
    ),
    (
        "Spanish Prime Minister Pedro Sanchez will be in Beijing from Monday to Wednesday.",
        [visit("ESP", "CHN", "Pedro Sanchez", None, "planned", place="Beijing")],
    ),
    xfail(
        "'Sheikh Tamim' is no known official, and nothing else in the sentence tells Qatar; "
        "listing him in data/people.jsonl changes tests/articles/qatar_truce_hosted, where the "
        "NER now misses him as host (the 'stay' trigger itself is read)",
        "During Sheikh Tamim's stay in Paris, the two sides signed several agreements.",
        [visit("QAT", "FRA", "Sheikh Tamim", None)],
    ),
]

VISITS_NONE: list[str] = [
    "The museum was visited by thousands of tourists last summer.",
    "The minister postponed a visit to the dentist.",
    "The Brazilian football team arrived in Tokyo on Monday for a friendly match.",
    "A powerful typhoon arrived in the Philippines on Sunday.",
    "Foreign tourists visited Vietnam in record numbers last year.",
    "Kenyan President William Ruto delivered a speech to parliament on Thursday.",
    "Chinese tourists flew to Bangkok in record numbers.",
    "The delegation's report was published on Monday.",
    "The Pakistani cricket team arrived in Melbourne on Monday.",
    "Visiting hours at the hospital in Seoul were extended.",
    "Visiting scholars from Japan met students in Seoul.",
    "Visiting American tourists said Tokyo was expensive.",
]


@pytest.mark.parametrize(("body", "wanted"), VISITS)
def test_visit_phrasings(nlp: Language, body: str, wanted: list[Want]) -> None:
    _check(nlp, body, "delegation_visit", wanted)


@pytest.mark.parametrize("body", VISITS_NONE)
def test_not_visits(nlp: Language, body: str) -> None:
    _check(nlp, body, "delegation_visit", [])
