"""The contract: Pydantic models of everything peelextract writes.

Consumers and checks rely on these names (see README "The contract"). Every model is frozen and
forbids extra fields; ``schemas/*.schema.json`` is generated from them (``peelextract schema``) and a
test fails when the committed schema drifts from the code.

Versioning: ``SCHEMA_VERSION`` follows semantic versioning. A new optional field is a minor bump; a
renamed, removed or retyped field is a major bump (record it in CHANGELOG.md).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1.3.0"

GradeName = Literal["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"]
# Best first; publish ranks grades in this order. The vocabulary (rounds.scales) derives grade words from it.
GRADE_ORDER: tuple[GradeName, ...] = get_args(GradeName)
Scale = Literal["four-tier", "five-tier"]
SourceFormat = Literal["text", "html", "pdf"]
SectionRole = Literal["front_matter", "area", "back_matter", "other"]
Period = Literal["current", "previous"]
Polarity = Literal["success", "failure"]
# What a number measures (issue 12). Keys, names and phrases: ``rounds.measures``; docs/proposals/measures.md.
MeasureKey = Literal[
    "crime-recording-all",
    "crime-recording-violence",
    "crime-recording-sexual",
    "crime-recording-rape",
    "crime-recording-domestic-abuse",
    "stop-search-grounds",
    "victim-satisfaction",
    "public-perception",
    "other",
    "unknown",
]
ChangeKey = Literal[
    "significant-improvement", "improvement", "unchanged", "decline", "significant-decline", "not-stated", "none"
]
PopulationKey = Literal[
    "cases-reviewed",
    "relevant-cases",
    "records",
    "investigations",
    "files",
    "calls",
    "crime-reports",
    "other",
    "unknown",
]
PercentageKind = Literal["share", "change", "rate"]
EstimateKind = Literal["unrecorded", "additional-recorded"]
# Where a phrase was read: the number's own sentence or the one right before it (never further).
FoundIn = Literal["sentence", "previous-sentence"]
BBox = tuple[float, float, float, float]


class Model(BaseModel):
    """Base of every contract model: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PageBox(Model):
    """One rectangle of evidence on one PDF page, in PDF points: [x0, top, x1, bottom], top-left origin."""

    page: int = Field(ge=1)
    bbox: BBox


class Evidence(Model):
    """Where a value comes from: ``text == normalised_text[start:end]``.

    ``page``/``bbox`` are the first page and the box around the evidence on it (PDF only, else null);
    ``boxes`` has one box per line of the evidence, each with its page, so evidence that runs across a
    page break carries both pages.
    ``source_start``/``source_end`` are offsets in the original decoded text (text and HTML sources).
    """

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    boxes: list[PageBox] = Field(default_factory=list)
    source_start: int | None = None
    source_end: int | None = None

    @model_validator(mode="after")
    def _span_ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"evidence end {self.end} before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length does not match its span")
        return self


class Source(Model):
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    format: SourceFormat
    pages: int | None = Field(default=None, ge=0)


class RoundDecision(Model):
    """The round and why: each clue found in the text, with its weight. ``inferred`` is true when the round's
    areas are not in the extractor's vocabulary (2025–27, or a round it does not know, such as "2027-29"): its
    areas are then read from the report's own structure (summary rows, headings that carry a judgment)."""

    round: str
    scale: Scale
    overridden: bool = False
    inferred: bool = False
    clues: list[str] = Field(default_factory=list)


MentionSource = Literal["sentence", "list", "table", "badge"]
EarlierKind = Literal["previous", "carried_over"]


class Mention(Model):
    """One statement of a grade: a judgment sentence, a list item or text alternative ("Investigating crime:
    good"), a summary-table row or a badge (bare grade line). Every statement of one grade is a witness of it."""

    source: MentionSource
    evidence: Evidence


class EarlierJudgment(Model):
    """An earlier judgment told in passing, with its year: ``previous`` when this inspection replaced it ("two
    years ago, when we judged the force to require improvement"), ``carried_over`` when it still stands ("we did
    not inspect it again and have carried forward our 2017 judgment"; that one is also a ``Grade`` with its
    ``carried_over_year``). Never this round's grade."""

    area: str
    area_title: str
    grade: GradeName
    kind: EarlierKind
    year: int | None
    evidence: Evidence


class ReportInfo(Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    force: str
    round: str
    source: Source
    round_decision: RoundDecision
    force_evidence: Evidence | None = None
    # Where the force's name was read: the body ("text", with ``force_evidence``), else the page title, its URL or
    # the file name (no evidence in the text then).
    force_source: Literal["text", "title", "url", "file name"] = "text"
    # The report's account of earlier inspections: history, not values of this inspection (the grades it carries
    # over are also in ``Report.grades`` with their ``carried_over_year``).
    earlier_judgments: list[EarlierJudgment] = Field(default_factory=list)


class Paragraph(Model):
    kind: Literal["paragraph", "list_item", "caption", "table_cell", "badge", "footnote"]
    start: int
    end: int


class Finding(Model):
    """A finding headline and the paragraphs under it."""

    headline: str | None
    start: int
    end: int
    paragraphs: list[Paragraph]


class Section(Model):
    id: str
    title: str
    role: SectionRole
    area: str | None = None
    start: int
    end: int
    page: int | None = None
    badge: GradeName | None = None
    findings: list[Finding]


class Grade(Model):
    """A graded judgment of one area. ``evidence`` is the judgment sentence when there is one, else the badge.
    ``mentions`` are all the statements of this grade in the report, in document order."""

    area: str
    area_title: str
    grade: GradeName
    scale: Scale
    section: str | None
    evidence: Evidence
    sentence: Evidence | None = None
    badge: Evidence | None = None
    table: Evidence | None = None
    carried_over_year: int | None = None
    changed_from: GradeName | None = None
    mentions: list[Mention] = Field(default_factory=list)


class UngradedArea(Model):
    area: str
    area_title: str
    evidence: Evidence | None


class GradedAreaCount(Model):
    """The opening's "We make graded judgments in N of these M" and how many grades were found."""

    graded: int = Field(ge=0)
    total: int = Field(ge=0)
    found: int = Field(ge=0)
    evidence: Evidence


class CaseCount(Model):
    x: int = Field(ge=0)
    y: int = Field(ge=1)
    polarity: Polarity
    qualifier: str | None = None
    share: float = Field(ge=0, le=100, description="100 * x / y, rounded to 1 decimal")
    population: PopulationKey = Field(default="unknown", description="What was counted (key); unknown when unnamed.")
    population_text: str | None = Field(default=None, description="The counted noun phrase as printed.")
    population_from: FoundIn | None = None
    finding: str | None = Field(default=None, description="The clause that holds for the X counted, as printed.")
    section: str | None
    area: str | None
    evidence: Evidence

    @model_validator(mode="after")
    def _x_le_y(self) -> CaseCount:
        if self.x > self.y:
            raise ValueError(f"x={self.x} exceeds y={self.y}")
        return self


class CIRef(Model):
    """Points at another CI percentage of the same report by its printed value and interval."""

    value: float = Field(ge=0, le=100)
    ci: float = Field(ge=0, le=100)


class CIPercentage(Model):
    value: float = Field(ge=0, le=100)
    ci: float = Field(ge=0, le=100)
    lower: float = Field(ge=0, le=100)
    upper: float = Field(ge=0, le=100)
    period: Period
    year: int | None = None
    measure: MeasureKey = Field(default="unknown", description="What the percentage is of (key).")
    measure_text: str | None = Field(default=None, description="The phrase naming the measure, as printed.")
    measure_from: FoundIn | None = None
    change: ChangeKey | None = Field(
        default=None, description="Current values: the verdict printed against the previous estimate; null on previous."
    )
    change_text: str | None = Field(default=None, description="The verdict phrase as printed.")
    current: CIRef | None = Field(
        default=None, description="Previous values: the current estimate of the same measure they are compared with."
    )
    section: str | None
    area: str | None
    evidence: Evidence


class EstimatedCount(Model):
    """A count estimated beside a crime-recording rate: "failed to record more than 2,600 crimes"."""

    value: int = Field(ge=0)
    qualifier: str | None = Field(default=None, description="As printed: 'over', 'more than', 'an additional'.")
    kind: EstimateKind
    measure: MeasureKey
    measure_text: str | None = None
    period: str | None = Field(default=None, description="As printed: 'each year', 'the year covered by …'.")
    section: str | None
    area: str | None
    evidence: Evidence


class Percentage(Model):
    value: float = Field(ge=0, le=100)
    kind: PercentageKind = Field(default="share", description="share of a whole, change of a quantity, or a rate.")
    of: str | None = Field(default=None, description="What it is a percentage of, as printed; null when unnamed.")
    of_text: str | None = Field(default=None, description="The pointer printed beside it ('these', 'those records').")
    of_from: FoundIn | None = None
    direction: Literal["increase", "decrease"] | None = None
    base: str | None = Field(default=None, description="Changes: what it is compared with ('the previous year').")
    period: str | None = Field(default=None, description="Changes: the period printed ('a 6-month period').")
    unit: Literal["percent", "points"] = "percent"
    rate_name: str | None = Field(default=None, description="Rates: the rate's name ('vacancy rate').")
    qualifier: str | None = None
    section: str | None
    area: str | None
    evidence: Evidence


class Rate(Model):
    value: float = Field(ge=0)
    unit: str
    per: int = Field(ge=1)
    denominator: str
    england_wales_average: float | None = Field(default=None, ge=0)
    average_evidence: Evidence | None = None
    period: str | None = Field(default=None, description="The period printed ('the year ending 31 March 2022').")
    period_from: FoundIn | None = None
    section: str | None
    area: str | None
    evidence: Evidence


class AreaForImprovement(Model):
    kind: Literal["area_for_improvement", "cause_of_concern"]
    text: str
    area: str | None
    section: str | None
    evidence: Evidence


class Warning(Model):
    """Something a reader should know: a failed check, a disagreement, a skipped value."""

    code: str
    message: str
    stage: Literal["layout", "sections", "extract", "validate"]
    evidence: Evidence | None = None


class Report(Model):
    schema_version: str = SCHEMA_VERSION
    extractor_version: str
    report: ReportInfo
    sections: list[Section]
    grades: list[Grade]
    ungraded_areas: list[UngradedArea]
    graded_area_count: GradedAreaCount | None
    case_counts: list[CaseCount]
    ci_percentages: list[CIPercentage]
    percentages: list[Percentage]
    rates: list[Rate]
    estimated_counts: list[EstimatedCount] = Field(default_factory=list)
    areas_for_improvement: list[AreaForImprovement]
    warnings: list[Warning]
