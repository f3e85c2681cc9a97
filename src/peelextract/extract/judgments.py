"""Judgment sentences: a small grammar of "<subject> <predicate> <grade> <activity>" and its word orders.

The grammar's parts, each defined once below:
- subject (``subject_pattern``): the force's full and short names, "the force/constabulary/service", "this
  force", "it"; possessives ("<Force>'s", "the force's", "its") open an activity used as the subject;
- predicate (``_BE``): is, was, remains, continues to be, has been, is still/now/also, optionally followed by
  judged/assessed/graded/found/considered (to be | as); "requires improvement" is a verb phrase of its own
  (``_RI``), also "to require improvement" / "requiring improvement" after judged/found/as;
- grade (``_GRADE``): a grade word, optionally in quotes ("graded as 'good'");
- activity (``_phrase``): what follows at/in/for/with/in respect of, up to the next clause that starts another
  judgment; "this area" points at the enclosing section; "all three pillars" is three activities; coordinated
  activities ("at A, and at B") are split by the caller (``extract.judgment_areas``).
Word orders: subject-predicate-grade-activity ("at"), activity-as-subject ("possessive"), the inspectorate as
speaker ("we have graded <Force> as good at …", "HMIC has assessed that <Force> is good in respect of …",
"we consider the force's planning … to be outstanding"), an elided subject after "but"/"and" ("… but requires
improvement at …", "… and good at …"), and the older pillar shapes ("The extent to which …", "the efficiency with
which …").

Each family is one pattern and states the sentences it targets and how many judgments one sentence gives.
A sentence may hold several judgments (2017 efficiency sub-judgments joined by ";", 2014 "it requires
improvement in A, and it requires improvement in B"), so every family is applied with ``finditer`` and an
activity phrase stops at the next clause that starts a new judgment.

Non-grades never match: "not yet graded" / "To be graded" (no grade word), grade definitions ("Good – The
force has demonstrated …": no subject), "has a good understanding of" / "makes good use of" (no grade verb
phrase), press-style counts "was awarded no outstanding grades" (no "is … at") and "was outstanding in one area, good
in two areas" (a count is not an activity), "treats the public and its
workforce fairly" (no grade word). Each family needs a subject and a grade verb phrase in a judgment position;
whether an activity phrase names a graded area is decided by the caller (``extract.judgment_areas``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import regex

from peelextract.models import GradeName
from peelextract.rounds.scales import ADJECTIVE_GRADES, REQUIRES_IMPROVEMENT, grade_named

log = logging.getLogger(__name__)

# "requires improvement" is the one grade spelled as a verb phrase: the inflections the families match (the other
# grades are adjectives, ``ADJECTIVE_GRADES``: "is good at").
_RI = r"requires? improvement|required improvement|continues to require improvement|requiring improvement"
_ALL_PILLARS = r"(?:all|each of (?:the|its)) (?:three|3) (?:PEEL )?pillars"
# "was outstanding in one area, good in two areas": a press-style count, not an activity.
_NOT_A_COUNT = (
    rf"(?!{_ALL_PILLARS})"
    r"(?!(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+|all|most|some|no|any) "
    r"(?:of (?:the|its|these) )?(?:\w+ )?(?:areas?|questions?|pillars?)\b)"
)
_YEAR_IN_SENTENCE = regex.compile(r"\bin (?P<year>(?:19|20)\d\d)\b", regex.IGNORECASE)
_YEARS_AGO = regex.compile(r"\b(?P<n>one|two|three|four|five|six|\d) years? ago\b", regex.IGNORECASE)
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# An earlier inspection named in the sentence: "In 2017, we found …", "In our 2024 inspection, we …".
_EARLIER_YEAR = regex.compile(
    r"\b(?:in|since|from) (?:our |the |its )?(?:[a-z]+ )?(?P<year>(?:19|20)\d\d)\b", regex.IGNORECASE
)
# The predicate before an adjective grade: "is", "remains", "continues to be", "has been graded as", "is still".
_BE = (
    r"(?:is|was|remains|remained|has remained|continues to be|has been|will be)"
    r"(?: (?:now|also|still|again|therefore|overall))?"
    r"(?: (?:judged|assessed|graded|found|considered|rated)(?: to be| as(?: being)?)?)?"
)
# The inspectorate speaking in the present round: "we have graded", "we found", "we consider", "HMIC has assessed
# that". Plain "we judged" is left to the "carried" family (the report tells an earlier judgment that way).
# Who judges: the inspectorate, as "we" or by name.
_SPEAKER = r"(?:we|HMIC(?:FRS)?|HM Inspectorate[\w ]{0,40}?|the inspectorate)"
_WE = (
    rf"{_SPEAKER} "
    r"(?:(?:have|has) (?:graded|judged|found|assessed|rated|considered)|"
    r"graded|grade|found|find|consider(?:ed)?|judge|assess(?:ed)?|rated?)(?: that)?"
)
_RI_INF = r"to require improvement|requiring improvement"


def display_grade(word: str) -> GradeName | None:
    """The grade a matched grade word names: any inflection of "requires improvement" ("required
    improvement", "to require improvement") is Requires improvement; the rest are grade words."""
    return REQUIRES_IMPROVEMENT if "improvement" in word.lower() else grade_named(word)


@dataclass(frozen=True)
class Judgment:
    """One judgment found in a sentence; offsets relative to the sentence. ``phrase`` is the activity (may be
    empty for families that name no activity, e.g. "… when the force was judged as requiring improvement")."""

    grade: GradeName
    phrase: str
    start: int
    end: int
    family: str
    year: int | None = None
    last_year: bool = False
    # "two years ago, when we judged …": the earlier judgment's age in years (1 for "last year").
    years_ago: int | None = None


# The force's own names, as ``mask_force`` leaves them: each letter "q", spaces and hyphens kept (no English
# word is a run of q's). So the families are compiled once, not once per force (16 patterns, 0.1 s: a worker
# of a whole round compiled them for every force it met).
_MASKED_NAME = r"q{2,}(?:[ -]q{2,})*"


def subject_pattern() -> str:
    """The ways a report names the force it is about: its full or short name (masked, see ``mask_force``),
    "the force", "it"."""
    return rf"(?:{_MASKED_NAME}|the force|the constabulary|the service|this force|it)"


@lru_cache(maxsize=64)
def _force_names(force: str) -> regex.Pattern[str]:
    """The report's force as a sentence may name it: full name, or short name with or without "Police" or
    "Constabulary" (any case), the longest first."""
    short = regex.sub(r"\s+(?:Police Service|Police|Constabulary)$", "", force)
    names = sorted({force, short, f"{short} Police", f"{short} Constabulary"}, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(n) for n in names), regex.IGNORECASE)


def mask_force(sentence: str, force: str) -> str:
    """``sentence`` with each naming of ``force`` masked letter by letter ("Cleveland Police" → "qqqqqqqqq
    qqqqqq"): same length, so offsets hold; the families match the mask as the subject."""
    return _force_names(force).sub(lambda m: _LETTER.sub("q", m.group(0)), sentence) if force else sentence


_LETTER = regex.compile(r"\w")


def _phrase(subj: str) -> str:
    """An activity phrase: up to the sentence end, ";", ":" or a clause that starts the next judgment."""
    return (
        rf"(?P<phrase>[^.;:]{{3,160}}?)(?=\s*(?:[.;:]|$|,? and (?:{subj}) (?:is|was|requires?)\b|"
        rf",? (?:but|and) (?:is|was|has|have|had|needs?|continues|will|requires?)\b|"
        rf",? (?:but|although|while|whereas|however)\b|"
        rf",? and ['\"]?(?:{ADJECTIVE_GRADES})['\"]? (?:at|in)\b|"
        rf", and (?:it|the force|the constabulary) is one of\b))"
    )


@lru_cache(maxsize=1)
def _families() -> list[tuple[str, regex.Pattern[str]]]:
    subj = subject_pattern()
    grade = rf"['\"]?(?P<grade>{ADJECTIVE_GRADES})['\"]?"
    ri = rf"['\"]?(?P<ri>{_RI})['\"]?"
    ri_inf = rf"['\"]?(?P<ri2>{_RI_INF})['\"]?"
    phrase = _phrase(subj)
    poss = rf"(?:the force's|the constabulary's|the service's|its|{subj}'s)"
    flags = regex.IGNORECASE
    return [
        # "The extent to which Cheshire Constabulary is effective at keeping people safe and reducing crime is good."
        # "… reducing crime: requires improvement."  "… is requires improvement."  "… is: good."  "… crime requires
        # improvement." (no "is"); "the extent to which the force operates efficiently and sustainably is good."
        # One judgment per sentence (the pillar).
        (
            "extent",
            regex.compile(
                rf"\bthe extent to which (?:{subj}) (?P<phrase>[^.:;]{{3,160}}?)(?:\s+is)?\s*:?\s+"
                rf"(?:is\s+)?(?:{grade}|{ri})\s*(?:\.|$)",
                flags,
            ),
        ),
        # 2014: "the efficiency with which the force carries out its responsibilities is good;" One per sentence.
        (
            "with-which",
            regex.compile(
                rf"\bthe (?P<phrase>efficiency|effectiveness|legitimacy) with which (?:{subj}) [^.;:]{{3,160}}? "
                rf"(?:is|was) (?:{grade}|{ri})\b",
                flags,
            ),
        ),
        # "In each of the three PEEL pillars, we have graded <Force> as requires improvement." Three judgments.
        (
            "pillars-first",
            regex.compile(
                rf"\bin (?P<phrase>{_ALL_PILLARS}),? {_WE} (?:{subj}) "
                rf"(?:to be |as (?:being )?)?(?:{grade}|{ri}|{ri_inf})",
                flags,
            ),
        ),
        # "the force has developed its understanding of demand, which is now outstanding" One per sentence.
        (
            "which-is",
            regex.compile(
                rf"\bits (?P<phrase>understanding of demand|use of resources|planning for the future)[^.;,]{{0,40}}, "
                rf"which is (?:now |also |still )?{grade}",
                flags,
            ),
        ),
        # "In 2017, we judged the constabulary to be good at treating the public fairly."  "… two years ago, when we
        # judged it to require improvement." (no activity: the paragraph's area)
        # "In 2017 we judged the force as good at investigating crime."  "… when we judged the constabulary to be
        # good in respect of effectiveness."  "In our 2024 inspection, we judged the force to require improvement at
        # …"  "In its 2018 inspection, HMICFRS judged the constabulary to …" One per sentence; year from the sentence
        # ("in 2017", "in our 2019 inspection"), "last year" = round - 1.
        (
            "carried",
            regex.compile(
                rf"\b(?:in (?P<year>(?:19|20)\d\d),? |(?P<lastyear>last year),? )?(?:when )?{_SPEAKER} judged "
                rf"(?:{subj}) "
                rf"(?:to be |as (?:being )?)?(?:{grade}|{ri_inf})(?:\s+(?:in respect of|at|in|for)\s+"
                rf"{phrase}|(?P<phrase>)\s*(?:[.;]|$))",
                flags,
            ),
        ),
        # The inspectorate as speaker: "We have graded Kent Police as 'good' at investigating crime."  "We found the
        # force to be inadequate in this area."  "HMIC has assessed that <Force> is good in respect of the efficiency
        # …"  "We have judged <Force> to be outstanding in all three pillars."  "In 2017, we found <Force> to be good
        # at …" (an earlier judgment: the year says so). One per clause.
        (
            "we",
            regex.compile(
                rf"\b{_WE} (?:{subj}) (?:to be |as (?:being )?|is |remains |)?(?:{grade}|{ri}|{ri_inf})"
                rf"\s+(?:in respect of|at|in|for|with)\s+{phrase}",
                flags,
            ),
        ),
        # "We consider the force's planning for the future to be outstanding."  "Overall, we judge the crime data
        # integrity of <Force> to be good." One per sentence.
        (
            "we-object",
            regex.compile(
                rf"\b{_WE} (?:{poss} (?P<phrase>[a-z][a-z -]{{2,80}}?)|(?:the )?(?P<phrase>[a-z][a-z -]{{2,60}}?) "
                rf"of (?:{subj})) (?:to be|as(?: being)?) (?:{grade}|{ri}|{ri_inf})",
                flags,
            ),
        ),
        # "<Force> has been assessed as outstanding in respect of the efficiency with which …", "is judged to be good
        # in …", "is judged to require improvement in …", "has been graded as "outstanding" for the way it plans …"
        # One per clause.
        (
            "assessed",
            regex.compile(
                rf"\b(?:{subj}) (?:has been|is|was|have been) (?:assessed|judged|graded) (?:as |to be )?"
                rf"(?:{grade}|{ri}|"
                rf"['\"]?(?P<ri2>to require improvement)['\"]?)\s+(?:in respect of|in|at|for|with)\s+{phrase}",
                flags,
            ),
        ),
        # The activity as subject: "The force's understanding of demand is judged to be good;" "its planning for the
        # future is also good;" "but its use of resources to manage demand still requires improvement." "<Force>'s
        # planning for future demand is good."  "The constabulary's response to the public has been graded as
        # 'requires improvement'." One per clause (three in the 2017 efficiency sentences).
        (
            "possessive",
            regex.compile(
                rf"\b{poss} (?:approach to )?(?P<phrase>[a-z][a-z -]{{2,80}}?)"
                rf" {_BE} (?:to be |as )?(?:{grade}|{ri}|{ri_inf})(?! (?:at|in|for)\b)"
                rf"|\b{poss} (?:approach to )?(?P<phrase>[a-z][a-z -]{{2,80}}?)"
                rf" (?:still |continues to )?(?P<ri>requires improvement)\b",
                flags,
            ),
        ),
        # "This is an improvement on the overall judgment last year, when the force was judged as requiring
        # improvement."  "In last year's inspection, Thames Valley was also judged to be good."  No activity:
        # the area is the one the paragraph is about. One per sentence.
        (
            "carried-bare",
            regex.compile(
                rf"\b(?:(?P<lastyear>last year)(?:'s (?:inspection|assessment))?|in (?P<year>(?:19|20)\d\d)),? "
                rf"(?:when )?(?:{subj}) (?:was|were) (?:also )?(?:judged|assessed|graded) (?:as |to be )?"
                rf"(?:{grade}|{ri_inf})(?P<phrase>)\s*(?:\.|$)",
                flags,
            ),
        ),
        # An earlier inspection and what it found: "This is a decline from the 2016 legitimacy inspection, in which
        # <Force> was judged to be good."  "… an improvement on our 2017 effectiveness inspection, which found <Force>
        # to require improvement."  "… a fall since our 2016 efficiency inspection, which found <Force> to be
        # outstanding." One per sentence; the year is the inspection's, the activity its pillar (else the paragraph's).
        (
            "inspection-which",
            regex.compile(
                rf"\b(?P<year>(?:19|20)\d\d) (?:(?P<phrase>efficiency|effectiveness|legitimacy) |PEEL )?"
                rf"(?:inspection|assessment),? (?:in )?which (?:found (?:that )?(?:{subj}) (?:to be |was |is )?|"
                rf"(?:{subj}) was (?:judged|assessed|graded|found) (?:to be |as )?)(?:{grade}|{ri_inf}|{ri})",
                flags,
            ),
        ),
        # CDI: "As a result, we gave Thames Valley Police an overall judgment of inadequate."  "As a result, Greater
        # Manchester Police was given an overall judgment of inadequate." One per sentence (crime data integrity).
        # "The revised overall judgment for <Force> is outstanding."  "Our overall graded judgment of <Force> remains as
        # good."  "… the published overall graded judgment for the crime data integrity inspection of <Force>, and as
        # shown at the top of this publication, remains as Inadequate." One per sentence; the caller reads crime data
        # integrity in a CDI report or when the sentence names it, a pillar when the phrase names one.
        (
            "overall",
            regex.compile(
                rf"\b(?:gave (?:{subj})|(?:{subj}) (?:was|has been) given) an overall (?:graded )?judgment of "
                rf"(?:{grade}|{ri})(?P<phrase>)"
                rf"|\boverall (?:graded )?judgment (?:for|of) (?P<phrase>[^.;]{{0,160}}?\b(?:{subj})\b[^.;]{{0,80}}?) "
                rf"(?:is|remains|was)(?: as)? (?:{grade}|{ri})",
                flags,
            ),
        ),
        # "it is one of only four forces in England and Wales to be judged outstanding in how it deals with
        # organised crime." One per sentence.
        (
            "one-of",
            regex.compile(
                rf"\bone of (?:only )?\w+ forces[^.;]{{0,60}}? to be (?:judged|graded|assessed) "
                rf"(?:as )?(?:{grade}|{ri})"
                rf"\s+(?:at|in|for)\s+{phrase}",
                flags,
            ),
        ),
        # "Cleveland Police requires improvement at investigating crime."  "<Force> is adequate at …"
        # "Northshire Police requires improvement in how it protects vulnerable people."  "However, it requires
        # improvement in A, and it requires improvement in B." (two)  "The force is good at preventing and
        # investigating crime." (one here; the caller splits the two activities)  "The force remains adequate in this
        # area."  "<Force> is good in all three pillars." One per clause.
        (
            "at",
            regex.compile(
                rf"\b(?:{subj}) (?:{_BE} (?:{grade}|{ri_inf})|{ri})"
                rf"\s+(?:at|in|for|with)\s+"
                rf"{_NOT_A_COUNT}{phrase}",
                flags,
            ),
        ),
        # An area named as the subject, at the start of a sentence or finding headline: "Crime recording is good and is
        # overseen by senior leaders"  "Treatment of the public is adequate, although …"  "Value for money is
        # outstanding …" The name must be an area's title or label (the caller checks); "Risk assessments are good"
        # and "The force is good" are not. One per sentence.
        (
            "named",
            regex.compile(
                rf"^\s*(?!(?:{subj}|the|this|its|our|we|overall)\b)(?P<phrase>[A-Z][a-z]+(?: [a-z,'-]+){{0,8}}?) "
                rf"(?:is|remains|has been|continues to be)(?: (?:judged|assessed|graded|rated))?(?: to be| as)? "
                rf"(?:{grade}|{ri})",
                flags,
            ),
        ),
        # The subject elided after a judgment: "<Force> is good at A but requires improvement at B."  "<Force> is
        # adequate at A and good at B." Kept only after another judgment in the sentence. One per clause.
        (
            "elided",
            regex.compile(
                rf",? (?:but|and|while|whereas|although) (?:(?:is|remains)(?: also| still)? )?(?:{grade}|{ri})"
                rf"\s+(?:at|in)\s+{_NOT_A_COUNT}{phrase}",
                flags,
            ),
        ),
    ]


# Every family's match holds a grade word (its ``grade``, ``ri`` or ``ri2`` group): a sentence without one
# holds no judgment, and is not run through the families (four sentences in five of a report).
_ANY_GRADE = regex.compile(rf"{ADJECTIVE_GRADES}|{_RI}|{_RI_INF}", regex.IGNORECASE)
# What every match of ``_ANY_GRADE`` contains, case-folded: the adjective grades (plain words) and
# "improvement" (in every form of "requires improvement"). Looked for with ``in`` before the search: a
# regex alternation under IGNORECASE tries each word at each position (3 ms of a report).
_GRADE_WORDS = (*ADJECTIVE_GRADES.split("|"), "improvement")
assert all(regex.escape(w) == w for w in _GRADE_WORDS), "the adjective grades are plain words"
assert all("improvement" in alt for alt in f"{_RI}|{_RI_INF}".split("|"))


def has_grade_word(sentence: str) -> bool:
    """Whether ``_ANY_GRADE`` finds a grade word in ``sentence`` (casefold: regex's IGNORECASE also takes the
    Kelvin sign for "k" and the long s for "s")."""
    folded = sentence.casefold()
    return any(w in folded for w in _GRADE_WORDS) and _ANY_GRADE.search(sentence) is not None


def _overlaps(found: list[Judgment], start: int, end: int) -> bool:
    return any(j.start <= start < j.end or start <= j.start < end for j in found)


def find_judgments(sentence: str, force: str) -> list[Judgment]:
    """Every judgment in one sentence, earliest first, no two overlapping (earlier families win)."""
    if not has_grade_word(sentence):
        return []
    masked = mask_force(sentence, force)
    found: list[Judgment] = []
    for name, pattern in _families():
        for m in pattern.finditer(masked):
            groups = m.groupdict()
            word = groups.get("grade") or groups.get("ri") or groups.get("ri2") or ""
            grade = display_grade(word)
            if grade is None or _overlaps(found, m.start(), m.end()):
                continue
            if name == "elided" and not any(j.end <= m.start() + 1 for j in found):
                continue
            year = groups.get("year")
            last_year = bool(groups.get("lastyear"))
            ago = _YEARS_AGO.search(sentence) if name in ("carried", "carried-bare") and not year else None
            if name == "carried" and year is None and not last_year and ago is None:
                # "in 2017", and also "in our 2019 inspection", "in the 2016 efficiency inspection"
                ym = _YEAR_IN_SENTENCE.search(sentence) or _EARLIER_YEAR.search(sentence)
                year = ym.group("year") if ym else None
                last_year = year is None
            elif name in ("we", "we-object"):
                ym = _EARLIER_YEAR.search(sentence[: m.start() + 1])
                year = ym.group("year") if ym else None
            years_ago = 1 if last_year else (_SMALL.get(ago.group("n").lower()) or int(ago.group("n"))) if ago else None
            phrase = (sentence[slice(*m.span("phrase"))] if groups.get("phrase") else "").strip(" ,")
            found.append(
                Judgment(
                    grade=grade,
                    phrase=phrase,
                    start=m.start(),
                    end=m.end(),
                    family=name,
                    year=int(year) if year else None,
                    last_year=last_year,
                    years_ago=years_ago,
                )
            )
    return sorted(found, key=lambda j: j.start)
