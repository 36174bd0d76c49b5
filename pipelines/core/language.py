"""Language identification: text -> ISO 639-1 code, with py3langid (BSD, bundled model).

Policy (what `detect_language` returns):
- Only a bounded prefix of the text is classified (`max_chars`, default 1,000 characters):
  a news article's language is settled long before that, and the cost stays flat.
- Text with fewer than `min_letters` letters (default 20) is too short to classify reliably:
  the producer's hint is returned if it is a valid ISO 639-1 code, else `None`.
- When the classifier's normalised confidence is below `min_confidence` (default 0.5), the
  same fallback applies (hint, else `None`).
- `None` means "undetermined"; we never emit "und" because the schema field is ISO 639-1.
- py3langid also has ISO 639-3 labels for a few varieties; those that belong to an ISO 639-1
  macrolanguage are folded into it (arz -> ar, yue -> zh, ...); the rest (and "zxx", "no
  linguistic content") count as undetermined.

The model (a few MB) is loaded once per process on first use.
"""

from __future__ import annotations

import importlib.metadata
import re
from functools import lru_cache
from typing import Any

DEFAULT_MAX_CHARS = 1_000
DEFAULT_MIN_LETTERS = 20
DEFAULT_MIN_CONFIDENCE = 0.5

# ISO 639-3 labels py3langid can emit, folded into their ISO 639-1 macrolanguage.
_FOLD_TO_639_1 = {
    "arz": "ar",  # Egyptian Arabic
    "ary": "ar",  # Moroccan Arabic
    "yue": "zh",  # Cantonese
    "wuu": "zh",  # Wu Chinese
    "uzs": "uz",  # Southern Uzbek
    "sdh": "ku",  # Southern Kurdish
    "gug": "gn",  # Paraguayan Guarani
}

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_ISO_639_1 = re.compile(r"^[a-z]{2}$")


def py3langid_version() -> str:
    return importlib.metadata.version("py3langid")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # Imported lazily so importing this module stays cheap (workers load it in setup()).
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_identifier() -> None:
    """Load the model now (e.g. in a worker's setup) instead of on the first call."""
    _identifier()


def normalize_language_code(code: str | None) -> str | None:
    """A producer's hint such as "EN", "en-GB" or "pt_BR" -> "en"/"pt"; None if not ISO 639-1."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    primary = _FOLD_TO_639_1.get(primary, primary)
    return primary if _ISO_639_1.match(primary) else None


def classify(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, confidence 0..1) for a prefix of `text`, without fallbacks."""
    label, confidence = _identifier().classify(text[:max_chars])
    return normalize_language_code(str(label)), float(confidence)


def detect_language(
    text: str,
    hint: str | None = None,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    min_letters: int = DEFAULT_MIN_LETTERS,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> str | None:
    """ISO 639-1 code of `text`, or the hint / None when the text cannot decide (see module doc)."""
    prefix = text[:max_chars]
    fallback = normalize_language_code(hint)
    if len(_LETTER.findall(prefix)) < min_letters:
        return fallback
    code, confidence = classify(prefix, max_chars)
    if code is None or confidence < min_confidence:
        return fallback
    return code
