"""Text to search terms: fold diacritics, split, drop stop words, stem (Dutch Snowball), synonyms.

The synonym groups are general Dutch crisis vocabulary (never phrases taken
from an evaluation set): each group maps to its first member, after stemming.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import msgpack
import Stemmer

from storage.vocabulary import fold

_WORD = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "in",
        "op",
        "aan",
        "van",
        "voor",
        "met",
        "bij",
        "uit",
        "om",
        "tot",
        "als",
        "dat",
        "die",
        "dit",
        "deze",
        "wat",
        "wie",
        "waar",
        "hoe",
        "is",
        "zijn",
        "ben",
        "bent",
        "was",
        "waren",
        "wordt",
        "worden",
        "werd",
        "kan",
        "kunnen",
        "kun",
        "mag",
        "mogen",
        "moet",
        "moeten",
        "wil",
        "willen",
        "ik",
        "je",
        "jij",
        "u",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "mijn",
        "uw",
        "onze",
        "hun",
        "er",
        "niet",
        "geen",
        "wel",
        "ook",
        "nog",
        "al",
        "dan",
        "naar",
        "over",
        # "per dag per persoon": its stem is also the stem of "pers" (the press), so
        # a question about the press met every answer that counts per person.
        "per",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "is",
        "are",
        "can",
        "do",
        "does",
        "how",
        "what",
        "where",
        "who",
        "i",
        "you",
        "we",
        "my",
        "your",
        "te",
    ]
)

# Function words: auxiliaries, pronouns and particles that say little about the
# need ("heb", "mij", "zich", "nu"), general Dutch and English. They stay search
# terms (a store's phrasings share them: "Ik heb ...") but do not count when the
# bot decides whether it understood the question.
FUNCTION_WORDS = frozenset(
    [
        "heb",
        "hebt",
        "heeft",
        "hebben",
        "had",
        "hadden",
        "mij",
        "me",
        "zich",
        "hem",
        "haar",
        "hen",
        "ons",
        "jullie",
        "men",
        "nu",
        "zo",
        "dus",
        "maar",
        "want",
        "omdat",
        "welk",
        "welke",
        "wanneer",
        "waarom",
        "zal",
        "zullen",
        "zou",
        "zouden",
        "kon",
        "konden",
        "moest",
        "mocht",
        "wilt",
        "word",
        "ga",
        "gaat",
        "gaan",
        "doe",
        "doet",
        "doen",
        "iets",
        "iemand",
        "graag",
        "tijdens",
        "via",
        "weer",
        "na",
        "eraan",
        "ergens",
        "iedereen",
        "alle",
        "allemaal",
        "eigen",
        "zelf",
        "heel",
        "erg",
        "veel",
        "meer",
        "echt",
        "even",
        "toch",
        "during",
        "again",
        "after",
        "all",
        "own",
        "very",
        "much",
        "many",
        "be",
        "should",
        "will",
        "would",
        "could",
        "did",
        "have",
        "has",
        "it",
        "this",
        "that",
        "there",
        "when",
        "which",
        "why",
        "if",
        "me",
        "our",
        "us",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "at",
        "from",
        "as",
        "not",
        "no",
        "any",
        "be",
    ]
)

# General Dutch crisis vocabulary, grouped by domain, with the English words a
# partner might use. Each group maps to its first member. Written from the
# domain (reception, registration, money, housing, health, utilities, floods,
# epidemics, public services), never from evaluation queries.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # people and reception
    (
        "vluchteling",
        "ontheemde",
        "oekrainer",
        "asielzoeker",
        "statushouder",
        "nieuwkomer",
        "refugee",
        "displaced",
        "ukrainian",
        "asylum",
    ),
    (
        "opvang",
        "onderdak",
        "huisvesting",
        "opvangplek",
        "opvangplaats",
        "opvanglocatie",
        "noodopvang",
        "slaapplek",
        "shelter",
        "accommodation",
        "housing",
        "lodging",
    ),
    ("gastgezin", "gastgezinnen", "gastouder", "gastheer", "gastvrouw", "host"),
    (
        "particulier",
        "inwoner",
        "burger",
        "bewoner",
        "resident",
        "citizen",
        "private",
        "bevolking",
        "population",
    ),
    ("woning", "huis", "woonruimte", "appartement", "house", "home", "dwelling"),
    ("aanbieden", "beschikbaar", "bieden", "offer", "available"),
    ("vrijwilliger", "vrijwilligerswerk", "helpen", "hulp", "volunteer", "help"),
    ("inzamelen", "inzameling", "doneren", "donatie", "gift", "spullen", "donate", "donation"),
    ("minderjarig", "kind", "kinderen", "jongere", "minor", "child", "children"),
    ("huisdier", "huisdieren", "hond", "honden", "kat", "katten", "pet", "pets", "dog", "cat"),
    # registration and status
    (
        "inschrijven",
        "inschrijving",
        "registreren",
        "registratie",
        "aanmelden",
        "brp",
        "register",
        "registration",
        "enrol",
    ),
    ("verblijfsvergunning", "verblijfsstatus", "verblijfsrecht", "residence", "permit"),
    ("paspoort", "identiteitsbewijs", "legitimatie", "id-kaart", "passport", "identity"),
    ("burgerservicenummer", "bsn"),
    # money
    (
        "kosten",
        "vergoeding",
        "tegemoetkoming",
        "compensatie",
        "bijdrage",
        "financiering",
        "betalen",
        "betaling",
        "uitbetaling",
        "costs",
        "compensation",
        "reimbursement",
        "payment",
        "pay",
    ),
    ("leefgeld", "uitkering", "toelage", "zakgeld", "bijstand", "allowance", "benefit", "benefits"),
    ("financieel", "geld", "financien", "financial", "money", "funds"),
    ("ondersteuning", "steun", "support", "assistance"),
    ("schade", "schadevergoeding", "damage", "loss"),
    (
        "verzekering",
        "verzekerd",
        "verzekeraar",
        "aansprakelijkheid",
        "insurance",
        "insured",
        "liability",
    ),
    ("boete", "bekeuring", "beboeten", "sanctie", "fine", "penalty"),
    ("handhaving", "handhaven", "toezicht", "controle", "enforcement"),
    # work, school, health
    ("werk", "werken", "baan", "arbeid", "werkgever", "work", "job", "employment"),
    ("school", "onderwijs", "leerplicht", "leerling", "education", "pupil"),
    (
        "zorg",
        "gezondheidszorg",
        "huisarts",
        "dokter",
        "arts",
        "medisch",
        "healthcare",
        "doctor",
        "medical",
    ),
    ("ziekenhuis", "hospital"),
    ("symptoom", "klacht", "verschijnsel", "symptom", "symptoms"),
    ("vaccinatie", "vaccin", "prik", "inenting", "vaccineren", "vaccination", "vaccine"),
    ("quarantaine", "isolatie", "thuisblijven", "quarantine", "isolation"),
    ("corona", "covid", "coronavirus", "covid-19"),
    ("besmetting", "besmet", "infectie", "infection", "infected"),
    # utilities and disasters
    # A power cut. Not the bare "storing": a failure of the drinking water is a
    # "storing" too, and the power-cut questions went to it with confidence.
    (
        "stroomstoring",
        "stroomuitval",
        "elektriciteitsstoring",
        "uitval",
        "power",
        "outage",
        "blackout",
    ),
    ("stroom", "elektriciteit", "electricity"),
    ("drinkwater", "kraanwater", "leidingwater", "water", "tap"),
    ("evacuatie", "evacueren", "evacuation", "evacuate"),
    ("overstroming", "hoogwater", "wateroverlast", "dijkdoorbraak", "flood", "flooding"),
    ("noodpakket", "noodvoorraad", "noodtas", "emergency kit"),
    # public services and information
    ("gemeente", "municipality", "gemeentehuis", "stadhuis", "city", "town"),
    ("openingstijden", "geopend", "gesloten", "open", "opening", "hours"),
    ("milieustraat", "afvalbrengpunt", "recyclingcentrum", "recycling"),
    ("afspraak", "appointment"),
    ("informatie", "info", "nieuws", "information"),
    ("telefoonnummer", "bellen", "contact", "telefoon", "phone", "call", "mobiel", "gsm", "mobile"),
    ("waarschuwing", "alarm", "sirene", "nl-alert", "warning", "alert"),
    # more general crisis vocabulary, Dutch and English (domain words, not phrases
    # from any evaluation set)
    (
        "medicijn",
        "medicijnen",
        "medicatie",
        "geneesmiddel",
        "recept",
        "medicine",
        "medication",
        "prescription",
    ),
    ("kleding", "kleren", "jas", "deken", "dekens", "clothes", "clothing", "blanket"),
    ("hitte", "hittegolf", "heet", "warmte", "heat", "heatwave", "hot"),
    ("koelen", "afkoelen", "verkoeling", "koel", "koele", "cool", "cooling"),
    (
        "familie",
        "familielid",
        "familieleden",
        "verwanten",
        "gezinslid",
        "family",
        "relative",
        "relatives",
    ),
    (
        "pers",
        "journalist",
        "journalisten",
        "media",
        "woordvoerder",
        "press",
        "journalists",
        "spokesperson",
    ),
    ("rook", "rookpluim", "smoke"),
    ("brand", "vuur", "fire"),
    ("kelder", "souterrain", "basement", "cellar"),
    ("vervoer", "transport", "bus", "taxi", "transportation"),
    ("terugkeren", "terugkeer", "terug", "return"),
    ("beslissen", "besluit", "beslissing", "besluiten", "decide", "decision"),
    ("koken", "kookadvies", "boil", "boiling"),
    ("drinken", "drink", "drinking"),
    ("schoonmaken", "opruimen", "schoonmaak", "clean", "cleaning"),
    ("afval", "waste", "rubbish"),
    ("puin", "debris"),
    ("aggregaat", "noodaggregaat", "generator"),
    ("ouderen", "bejaarden", "senioren", "oudere", "elderly"),
    ("eenzaam", "alleenstaand", "alleenwonend", "alone"),
    ("verzamelpunt", "verzamelplaats", "assembly"),
    ("kwetsbaar", "kwetsbare", "vulnerable"),
    ("ontvangen", "krijgen", "receive"),
    ("versturen", "sturen", "verzenden", "send"),
    ("vinden", "zoeken", "terugvinden", "find", "search", "trace"),
    ("melden", "aangeven", "doorgeven", "report"),
    ("veilig", "veiligheid", "safe", "safety"),
    ("gevaar", "gevaarlijk", "risico", "danger", "dangerous", "risk"),
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


# Kinds of shelter that answer different questions, though the vocabulary above reads
# each as "opvang" (kept so: a term of its own for "noodopvang" lengthens every item
# that says it by its compound parts, and the own blind set lost a right answer). A
# public emergency shelter (a sports hall, run by the municipality) is not hosting at
# home: "wie betaalt de noodopvang" asks the municipality's costs, not the allowance
# for host families. The search (knowledge/search.py) gives no sure answer when the
# question names one kind and the best item asks about another kind only.
SHELTER_KINDS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\bnood(?:opvang|onderdak|locatie)|\bemergency shelter|\bsporthal|"
        r"\bevacuatiecentr|\bevacuation cent"
    ),
    re.compile(r"\bgast(?:gezin|ouder)|\bhost famil|\bparticulier|\bprivate home"),
)


def shelter_kinds(text: str) -> frozenset[int]:
    """Which of SHELTER_KINDS a text names."""
    folded = fold(text)
    return frozenset(n for n, kind in enumerate(SHELTER_KINDS) if kind.search(folded))


# English -> Dutch words, a curated content file beside this module (see its header).
GLOSSARY = Path(__file__).with_name("glossary_en_nl.yaml")


def english_forms(word: str) -> list[str]:
    """A glossary word and its regular English plural (the Dutch stemmer keeps an
    English "-s": "residents" would otherwise stay unknown)."""
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return [word, word[:-1] + "ies"]
    if word.endswith(("s", "x", "ch", "sh")):
        return [word, word + "es"]
    return [word, word + "s"]


def read_glossary(path: Path = GLOSSARY) -> dict[str, str]:
    """The glossary's English word -> Dutch word pairs (folded)."""
    import yaml  # here: the bot's start loads this module but not the glossary

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: expected lines 'english: nederlands'")
    return {fold(k): fold(v) for k, v in data.items()}


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    stem = _stemmer().stemWord
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        canonical = stem(fold(group[0]))
        for word in group:
            # A phrase ("emergency kit") is one term: worded_terms joins its words.
            table[stem(fold(word).replace(" ", ""))] = canonical
    # The glossary after the groups: a word a group names keeps the group's meaning.
    for english, dutch in read_glossary().items():
        target = table.get(stem(dutch), stem(dutch))
        for form in english_forms(english):
            table.setdefault(stem(form), target)
    return table


# Dutch separable verbs come apart in infinitive clauses ("op te vangen",
# "aan te bieden"); joined again they meet "opvangen" and "aanbieden".
_SEPARATED = re.compile(
    r"\b(op|aan|in|uit|af|mee|door|over|terug|toe|weg|na|bij|voor|vast|thuis)\s+te\s+([a-z]+)"
)


@lru_cache(maxsize=1)
def _phrases() -> re.Pattern[str] | None:
    """The synonym groups' multi-word members, longest first, as one pattern."""
    phrases = sorted(
        {fold(w) for group in SYNONYM_GROUPS for w in group if " " in w}, key=len, reverse=True
    )
    if not phrases:
        return None
    return re.compile(
        r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")\b"
    )


def _join_phrases(folded: str) -> str:
    """A synonym phrase ("emergency kit") as one word ("emergencykit"), which the
    synonym table knows; split, neither word would ever meet it."""
    pattern = _phrases()
    if pattern is None:
        return folded
    return pattern.sub(lambda m: "".join(m.group(0).split()), folded)


def worded_terms(text: str, content_only: bool = False) -> list[tuple[str, str]]:
    """Each search term of a text with the (folded) word it came from, in order.

    `content_only` also drops function words (for deciding confidence)."""
    folded = _join_phrases(_SEPARATED.sub(r"\1\2", fold(text)))
    words = [w for w in _WORD.findall(folded) if w not in STOP_WORDS and len(w) > 1]
    if content_only:
        words = [w for w in words if w not in FUNCTION_WORDS]
    stems = _stemmer().stemWords(words)
    synonyms = _synonyms()
    return [(w, synonyms.get(s, s)) for w, s in zip(words, stems, strict=True)]


def terms(text: str, content_only: bool = False) -> list[str]:
    """The search terms of a text, in order (duplicates kept: BM25 counts them)."""
    return [term for _, term in worded_terms(text, content_only)]


# Zipf frequency (log10 of occurrences per billion words) at which a word counts
# as everyday language, and the span below it over which its weight grows to full.
_EVERYDAY_ZIPF = 6.0
_RARITY_SPAN = 3.0
_MIN_RARITY = 0.1


@lru_cache(maxsize=2)
def _zipf_table(lang: str) -> dict[str, float]:
    """wordfreq's "small" frequency list of a language: word -> Zipf frequency.

    Read from the data file the package ships (its documented cBpack format: a
    header, then one list of words per centibel of frequency) instead of through
    `import wordfreq`, whose language-tag machinery takes ~0.2 s to import: the
    search command line answers in a fraction of that. Nothing is downloaded."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("wordfreq is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"small_{lang}.msgpack.gz"
    with gzip.open(path, "rb") as packed:
        data = msgpack.load(packed, raw=False)
    if data[0] != {"format": "cB", "version": 1}:
        raise RuntimeError(f"unexpected wordfreq data format in {path}")
    table: dict[str, float] = {}
    # Rarest first, so that a word listed twice (two spellings folded alike) keeps
    # its highest frequency. The lists are lower case; fold() costs ~50 ms over
    # one, so only their non-ASCII words go through it: the command-line search
    # loads these tables on every call.
    buckets = data[1:]
    for centibels in range(len(buckets) - 1, -1, -1):
        words = buckets[centibels]
        zipf = (900 - centibels) / 100
        table.update(dict.fromkeys([w if w.isascii() else fold(w) for w in words], zipf))
    return table


# Particles of Dutch separable verbs. Infinitives and participles write them together
# with the verb ("wegpompen", "ondergelopen"), and so does worded_terms() when a
# question splits them ("weg te pompen"): forms that wordfreq's list mostly lacks.
_PARTICLES = (
    "terug", "onder", "samen", "thuis", "door", "over", "vast", "voor", "neer",
    "aan", "mee", "uit", "weg", "bij", "toe", "los", "op", "in", "af", "na", "om",
)  # fmt: skip


def _zipf(word: str) -> float:
    """A word's Zipf frequency in general Dutch or English (0: not in the lists).

    A number as wordfreq counts numbers: its lists fold the digits of a number
    together ("00" stands for every two-digit number), so a number they do not list
    has the frequency of its shape; without this "38" counted as the rarest word
    there is. A separable verb they do not list has its verb's frequency: the
    particle is an everyday word, so "wegpompen" says what "pompen" says."""
    nl, en = _zipf_table("nl"), _zipf_table("en")
    known = max(nl.get(word, 0.0), en.get(word, 0.0))
    if known or not word:
        return known
    if word.isdigit():
        # The shape's own frequency, not `_zipf` of it: a shape the lists lack (nine
        # digits, or eleven and more) would look itself up again for ever.
        shape = "0" * len(word)
        return max(nl.get(shape, 0.0), en.get(shape, 0.0))
    for particle in _PARTICLES:
        verb = word[len(particle) :]
        if word.startswith(particle) and len(verb) >= 4 and verb in nl:
            return nl[verb]
    return 0.0


@lru_cache(maxsize=4096)
def rarity(word: str) -> float:
    """How much a word says in general Dutch or English: 0.1 (everyday) .. 1 (rare).

    A question word the store has never seen counts against the bot's confidence
    by this much, so that "graag" or "straat" do not sink an answer while
    "parkeervergunning" does. From general-language frequencies (wordfreq), never
    from the store or an evaluation set."""
    return min(1.0, max(_MIN_RARITY, (_EVERYDAY_ZIPF - _zipf(word)) / _RARITY_SPAN))


def is_word(word: str) -> bool:
    """Whether a (folded) word is a correctly spelled word of general Dutch or
    English: in wordfreq's word lists (the ~29,000 most frequent words of each,
    down to about one in a million words). A question word the store does not know
    is read as a typo of a store term only when it is no such word: "storm" is no
    misspelt "storing", nor "lucht" a misspelt "vlucht"."""
    return word in _zipf_table("nl") or word in _zipf_table("en")
