"""The identify step: `lines.json` (+ `roster.json`, an LLM when configured) → `speakers.json`.

The roster is optional: without one (a hearing whose committee is unknown) only people who
introduce themselves or are called by full name get named. The fingerprint covers the
lines, the roster, the options and, with an LLM, the prompt, the model and the endpoint, so
a change in any of them names the speakers again; a skipped run costs nothing.
"""

from __future__ import annotations

from pipeline.artifacts import fingerprint, run_cached
from pipeline.config import Settings
from pipeline.llm import LlmUnavailable
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentities, TokenUsage
from pipeline.speakers.identify import IdentifyOptions, identify_speakers
from pipeline.speakers.llm_pass import PROMPT_NAME, TASK, LlmNamer, llm_namer
from pipeline.stages import HearingContext, Stage, StageResult

STAGE_VERSION = "2-rules+llm"
ARTIFACT = "speakers"


def read_roster(context: HearingContext) -> tuple[Roster | None, str | None]:
    """`roster.json` and its fingerprint, or (None, None) when the flow wrote none."""
    if not context.store.path(context.slug, ROSTER_ARTIFACT).exists():
        return None, None
    header = context.store.header(context.slug, ROSTER_ARTIFACT)
    return context.store.read(context.slug, ROSTER_ARTIFACT, Roster), (
        header.fingerprint if header else None
    )


def namer_fingerprint(settings: Settings, namer: LlmNamer | None) -> dict[str, object] | None:
    if namer is None:
        return None
    return {
        "prompt": f"{namer.prompt.version}:{namer.prompt.sha256[:12]}",
        "model": settings.llm.model_for(TASK),
        "endpoint": settings.llm.base_url,
        "prompt_name": PROMPT_NAME,
    }


def describe(identities: SpeakerIdentities) -> str:
    methods = [s.method for s in identities.speakers if s.name]
    by_llm = methods.count(IdentityMethod.LLM)
    return (
        f"{len(identities.speakers)} speakers, {len(methods)} named "
        f"({len(methods) - by_llm} by rules, {by_llm} by the LLM)"
    )


def _identify(
    context: HearingContext, options: IdentifyOptions, namer: LlmNamer | None, force: bool
) -> tuple[SpeakerIdentities, bool, str]:
    """speakers.json (fresh or recomputed), whether it was skipped, and its fingerprint."""
    roster, roster_fingerprint = read_roster(context)
    input_fingerprint = fingerprint(
        Stage.IDENTIFY.value,
        STAGE_VERSION,
        context.upstream_fingerprint("lines"),
        roster_fingerprint,
        options,
        namer_fingerprint(context.settings, namer),
    )

    def compute() -> SpeakerIdentities:
        lines = context.store.read(context.slug, "lines", Lines).lines
        agenda = roster.agenda if roster else []
        return identify_speakers(lines, roster, agenda, options, namer)

    identities, skipped = run_cached(
        context.store,
        context.slug,
        ARTIFACT,
        SpeakerIdentities,
        stage_version=STAGE_VERSION,
        input_fingerprint=input_fingerprint,
        compute=compute,
        force=force,
    )
    return identities, skipped, input_fingerprint


def run_identify(
    context: HearingContext, *, force: bool = False, options: IdentifyOptions | None = None
) -> StageResult:
    """Write speakers.json, skipped when lines, roster, options and LLM are unchanged."""
    options = options or IdentifyOptions()
    namer = llm_namer(context.settings, options.llm_labels_per_call)
    try:
        identities, skipped, input_fingerprint = _identify(context, options, namer, force)
    except LlmUnavailable as error:
        # Rules only, under the rules' own fingerprint: the next run asks the LLM again.
        identities, _, input_fingerprint = _identify(context, options, None, True)
        return StageResult(
            stage=Stage.IDENTIFY,
            skipped=False,
            fingerprint=input_fingerprint,
            summary=f"{describe(identities)}; fallback, the LLM is unreachable ({error})",
        )
    return StageResult(
        stage=Stage.IDENTIFY,
        skipped=skipped,
        fingerprint=input_fingerprint,
        summary=describe(identities),
        usage=namer.usage if namer and not skipped else TokenUsage(),
    )
