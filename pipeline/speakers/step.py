"""The identify stage: `lines.json` (+ `roster.json`, an LLM when configured) → `speakers.json`.

The roster is optional: without one (a hearing whose committee is unknown) only people who
introduce themselves or are called by full name get named. The fingerprint covers the
lines, the roster, the options and, with an LLM, the prompt, the model and the endpoint, so
a change in any of them names the speakers again; a skipped run costs nothing.
"""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.llm import LlmUnavailable
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentities
from pipeline.speakers.identify import IdentifyOptions, identify_speakers
from pipeline.speakers.llm_pass import PROMPT_NAME, TASK, LlmNamer, llm_namer
from pipeline.stages import FellBack, Stage, StageCall, StageDeclaration, run_stage

STAGE_VERSION = "2-rules+llm"
ARTIFACT = "speakers"


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


def _options(call: StageCall) -> IdentifyOptions:
    return call.params.get("options") or IdentifyOptions()


def _namer(call: StageCall) -> LlmNamer | None:
    if call.params.get("rules_only"):
        return None
    return llm_namer(call.settings, _options(call).llm_labels_per_call)


def _identify_options(call: StageCall) -> object:
    return {
        "options": _options(call).model_dump(mode="json"),
        "namer": namer_fingerprint(call.settings, _namer(call)),
    }


def _identify_stage(call: StageCall) -> SpeakerIdentities:
    lines = call.read("lines", Lines).lines
    roster = call.read_optional(ROSTER_ARTIFACT, Roster)
    agenda = roster.agenda if roster else []
    namer = _namer(call)
    try:
        identities = identify_speakers(lines, roster, agenda, _options(call), namer)
    except LlmUnavailable as error:
        # Rules only, under the rules' own fingerprint: the next run asks the LLM again.
        rules = run_stage(IDENTIFY_STAGE, call.context, params={**call.params, "rules_only": True},
                          force=True)  # fmt: skip
        raise FellBack(f"{rules.summary}; fallback, the LLM is unreachable ({error})",
                       fingerprint=rules.fingerprint) from error  # fmt: skip
    if namer is not None:
        call.spent.append(namer.usage)
    return identities


IDENTIFY_STAGE = StageDeclaration(
    name=Stage.IDENTIFY,
    version=STAGE_VERSION,
    # A roster sync makes identify (and what follows it) stale, never the transcription.
    inputs=("lines", f"{ROSTER_ARTIFACT}?"),
    output=ARTIFACT,
    contract=SpeakerIdentities,
    compute=_identify_stage,
    summary=describe,
    options=_identify_options,
)
