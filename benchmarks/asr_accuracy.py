"""How right the transcripts are on real speech: the project's path against plain faster-whisper.

    .venv/bin/python -m benchmarks.asr_accuracy [--model bundled-tiny.en]

For each real clip of benchmarks/speech_clips.py (jfk, the pyannote sample, each channel of
the stereo file; ../shared/data/audio where present) it prints the WER against the reference
text. On the pyannote sample, whose STM times each utterance and names its speaker, also:
- word-time error: mean distance (s) between the first word's start and the last word's end
  of each utterance and the STM's times, over the utterances whose edge words were matched;
- words on the right speaker: each word attributed to the reference RTTM turns by the
  project's attribution, against the STM speaker of the utterance it was matched to.
"project" is `pipeline.asr.transcribe` with the project's settings; "plain" is faster-whisper's
`WhisperModel.transcribe` with its defaults (plus word times and the language). The last line
is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from benchmarks.speech_clips import Clip, Utterance, normalized_words, real_clips, word_errors
from pipeline.asr import load_model, transcribe
from pipeline.attribution import assign_speakers
from pipeline.config import AsrSettings
from pipeline.schemas import SpeakerTurn, Word

console = Console(width=160)


def project_words(clip: Clip, model: str) -> list[Word]:
    transcript = transcribe(clip.audio, AsrSettings(model=model, device="cpu"))
    return [word for segment in transcript.segments for word in segment.words]


def plain_words(clip: Clip, model: str) -> list[Word]:
    whisper = load_model(model, "cpu", "auto")
    segments, _ = whisper.transcribe(clip.audio, language="en", word_timestamps=True)
    return [
        Word(text=w.word.strip(), start=max(0.0, w.start), end=max(0.0, w.start, w.end))
        for segment in segments
        for w in segment.words or []
        if w.word.strip()
    ]


def tokens_of(words: list[Word]) -> tuple[list[str], list[int]]:
    """Normalized tokens of the words, and for each token the index of its word."""
    tokens, owners = [], []
    for index, word in enumerate(words):
        for token in normalized_words(word.text):
            tokens.append(token)
            owners.append(index)
    return tokens, owners


def matched_pairs(reference: list[str], hypothesis: list[str]) -> list[tuple[int, int]]:
    """(reference token, hypothesis token) pairs the edit alignment calls equal."""
    pairs = []
    for op in Levenshtein.opcodes(reference, hypothesis):
        if op.tag == "equal":
            span = range(op.src_end - op.src_start)
            pairs += [(op.src_start + step, op.dest_start + step) for step in span]
    return pairs


def speaker_names_to_labels(
    utterances: list[Utterance], turns: list[SpeakerTurn]
) -> dict[str, str]:
    """Each STM speaker's RTTM label: the one its utterances overlap most."""
    overlap: Counter[tuple[str, str]] = Counter()
    for utterance in utterances:
        for turn in turns:
            shared = min(utterance.end, turn.end) - max(utterance.start, turn.start)
            overlap[utterance.speaker, turn.speaker_label] += max(0.0, shared)
    best: dict[str, tuple[float, str]] = {}
    for (name, label), seconds in overlap.items():
        best[name] = max(best.get(name, (0.0, label)), (seconds, label))
    return {name: label for name, (_, label) in best.items()}


def timing_and_speakers(clip: Clip, words: list[Word]) -> dict[str, float]:
    ref_tokens, ref_utterance = [], []
    for number, utterance in enumerate(clip.utterances):
        for token in normalized_words(utterance.text):
            ref_tokens.append(token)
            ref_utterance.append(number)
    hyp_tokens, owners = tokens_of(words)
    pairs = matched_pairs(ref_tokens, hyp_tokens)
    labels = assign_speakers(words, clip.turns)
    expected = speaker_names_to_labels(clip.utterances, clip.turns)
    right = sum(
        labels[owners[h]] == expected[clip.utterances[ref_utterance[r]].speaker] for r, h in pairs
    )
    edge_errors = []
    for number, utterance in enumerate(clip.utterances):
        mine = [(r, h) for r, h in pairs if ref_utterance[r] == number]
        first = ref_utterance.index(number) if number in ref_utterance else -1
        last = len(ref_utterance) - 1 - ref_utterance[::-1].index(number) if first >= 0 else -1
        for r, h in mine:
            if r == first:
                edge_errors.append(abs(words[owners[h]].start - utterance.start))
            if r == last:
                edge_errors.append(abs(words[owners[h]].end - utterance.end))
    return {
        "word_time_error_s": round(sum(edge_errors) / len(edge_errors), 3) if edge_errors else 0,
        "edges_matched": len(edge_errors),
        "right_speaker": round(right / len(pairs), 4) if pairs else 0.0,
    }


def measure(clip: Clip, words: list[Word]) -> dict[str, object]:
    edits, count = word_errors(clip.reference or "", " ".join(word.text for word in words))
    row: dict[str, object] = {"wer": round(edits / count, 4), "ref_words": count}
    if clip.utterances and clip.turns:
        row |= timing_and_speakers(clip, words)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="bundled-tiny.en")
    args = parser.parse_args()
    clips = [clip for clip in real_clips() if clip.reference]
    rows = []
    for clip in clips:
        for path, words_of in (("project", project_words), ("plain", plain_words)):
            row = {"clip": clip.name, "path": path} | measure(clip, words_of(clip, args.model))
            rows.append(row)
    table = Table(title=f"ASR accuracy on real speech, {args.model}")
    columns = ["clip", "path", "wer", "ref_words", "word_time_error_s", "right_speaker"]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row.get(column, "")) for column in columns))
    console.print(table)
    print(json.dumps({"benchmark": "asr_accuracy", "model": args.model, "rows": rows}))


if __name__ == "__main__":
    main()
