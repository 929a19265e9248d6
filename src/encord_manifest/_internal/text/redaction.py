"""Nothing secret and nothing that acts leaves the program: what its output guarantees.

1. Secrets: every text written to stdout or stderr passes ``redact_text`` once, at the stream
   (``redacted_streams``, installed by ``cli.main``). In every ``scheme://`` URL, user
   information (``//user:pass@``) and everything after the first ``?`` or ``#`` (from it,
   when escaped: ``\\u003f``, ``&#63;``) to the end of the URL's token become ``*``, one per
   character, so that carets stay aligned and JSON, XML and CSV stay valid; then the value
   of every known credential parameter (``X-Amz-Signature=``, ``sig%3D``, ``token=``...), URL
   or not. Only ``convert``'s manifest on stdout is data, and is written unchanged.
2. No injection: paths, keys, rule names and messages reach every format through
   ``escape_control`` (C0, DEL, C1, line/paragraph separators, bidi controls and lone
   surrogates shown as ``\\x1b``/``\\u202e``; ``##[`` as ``#\\x23[``), and no line starts with
   ``::`` (``shown_path``). When the stream is no terminal, any other control character in the
   output, except line ends, tabs and colour codes, is escaped at the stream too.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from encord_manifest._internal.text.lazy_pattern import LazyPattern

# --- Secrets ----------------------------------------------------------------------------------

#: The ``://`` of a URL, written plainly or JSON-escaped (``:\\/\\/``); the scheme is before it.
#: Also as a JSON pointer writes it (``https:~1~1h~1k?sig=``): a key that is a URL.
_SEPARATOR = LazyPattern(r":(?://|\\/\\/|~1~1)")
#: (A diff's '-' or '+' may stand right before it: a scheme starts after any non-alphanumeric.)
_SCHEME = LazyPattern(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9+.-]{0,31}\Z")
_GLUED_SCHEME = LazyPattern(r"[A-Za-z0-9+.-]{32}\Z")
#: One character as the text encodes it: a JSON escape, an XML reference, or itself. A URL's
#: token is cut and masked only between these, so an escape is never split in two.
_UNIT = (
    r"(?:\\u[0-9A-Fa-f]{4}|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r'|\\[^\r\n<>]|[^"<>\r\n])'
)
#: What ends a URL's token, by what opened it. Always: an unescaped `"`, `<`, `>`, a line end
#: (a JSON string ends at an unescaped quote, an XML attribute at its quote, text at a tag).
_ESCAPED_DQ = r'\\"|\\u0022|&quot;|&#34;|&#x22;'
_ESCAPED_SQ = r"\\'|\\u0027|&apos;|&#39;|&#x27;"
_ESCAPED_END = r"\\[nrt]|\\u000[aAdD9]|&#1[03];|&#0?9;|&lt;|&gt;|\\u003[cCeE]"
_CLOSERS = {
    # Opened by an unescaped quote: a JSON string or a quoted CSV cell; only the quote ends it.
    "dq": "",
    "sq": "'",
    "escaped-dq": _ESCAPED_DQ,
    "escaped-sq": _ESCAPED_SQ + "|'",
    "angle": r"&gt;|\\u003[eE]",
    # Anything else (prose, an unquoted CSV cell): quotes, escaped line ends, CSV delimiters.
    "other": rf"'|,|;|\||\t|{_ESCAPED_DQ}|{_ESCAPED_SQ}|{_ESCAPED_END}",
}
_TOKEN = {
    kind: LazyPattern(f"(?:(?!{closers}){_UNIT})*" if closers else f"{_UNIT}*", re.S)
    for kind, closers in _CLOSERS.items()
}
_OPENERS = (
    ("escaped-dq", LazyPattern(rf"(?:{_ESCAPED_DQ})\Z")),
    ("escaped-sq", LazyPattern(rf"(?:{_ESCAPED_SQ})\Z")),
    ("angle", LazyPattern(r"(?:<|&lt;|\\u003[cC])\Z")),
    ("dq", LazyPattern(r'"\Z')),
    ("sq", LazyPattern(r"'\Z")),
)
#: Where masking starts inside a URL: the query or the fragment, written plainly or escaped
#: (``\\u003f``, ``&#63;``). Whitespace neither starts it nor ends the URL: a URL with a space
#: (U301) still shows where the space is, and what follows is masked from its '?' on. Other
#: escapes are characters of the URL (``caf\\u00e9.jpg``), shown as they are.
_MASK_FROM = LazyPattern(r"[?#]|\\u00(?:3[fF]|23)|&#(?:63|35|[xX](?:3[fF]|23));")
#: The end of the authority (where user information could be), and the '@' that ends that.
_AUTHORITY_END = LazyPattern(
    r"[/?#]|~1|\\/|\\u00(?:2[fF]|3[fF]|23)|&#(?:47|63|35|[xX](?:2[fF]|3[fF]|23));"
)
_AT = LazyPattern(r"@|\\u0040|&#(?:64|[xX]40);")
_SPACE = LazyPattern(r"\s")

#: Query parameters (and header fields) whose value is a credential, wherever they appear.
_CREDENTIAL_NAMES = (
    r"x-(?:amz|goog|obs|oss)-(?:signature|credential|security-token)|signature|credential"
    r"|security-token|sig|awsaccesskeyid|ossaccesskeyid|accesskeyid|googleaccessid"
    r"|(?:access|id|refresh|session|auth|sas)[_-]?token|token|api[_-]?key|apikey"
    r"|client[_-]?secret|secret|password|passwd|key|code|hmac"
)
#: Where a credential's value could start: after '=' (plain, percent- or JSON-escaped), or
#: after "Bearer "; the name before it is then looked at.
_ASSIGN = LazyPattern(r"=|%3[dD]|\\u003[dD]|(?<![A-Za-z])[Bb]earer +")
_NAME_BEFORE = LazyPattern(rf"(?i)(?<![A-Za-z_])(?:{_CREDENTIAL_NAMES})\Z")
_VALUE = LazyPattern(r"[^\s&\"'<>,;|\\#]+")


def redact_text(text: str) -> str:
    """``text`` with the secrets of its URLs and every credential parameter's value masked,
    character for character (see the module's docstring for exactly what)."""
    if "//" in text or ":~1~1" in text:
        text = _mask_urls(text)
    if "=" in text or "%3" in text or "earer" in text:
        text = _mask_credentials(text)
    return text


#: A link into this project's own documentation (rule help, schema descriptions): its fragment
#: is a heading's slug, shown; anything after the slug is masked as in any other URL.
_OWN_DOCS = LazyPattern(
    r"https://github\.com/encord-manifest/encord-manifest/blob/main/docs/[a-z0-9-]+\.md"
    r"#[a-z0-9-]{1,80}(?![a-z0-9-])"
)
_CLOSING = ")]}>.,;:'\"`"
#: A fragment that is a line number (``#L13``, GitHub's link to a line): digits hold no secret.
_LINE_FRAGMENT = LazyPattern(r"L[0-9]{1,9}(?![A-Za-z0-9_-])")


def _mask_urls(text: str) -> str:
    spans: list[tuple[int, int]] = []
    position = 0
    while (separator := _SEPARATOR.search(text, position)) is not None:
        position = separator.end()
        scheme = _SCHEME.search(text, max(0, separator.start() - 32), separator.start())
        if scheme is None:
            # A scheme glued to a longer run of letters ("AAAA...https://"): still a URL to
            # mask, starting where the run's last 32 characters do.
            scheme = _GLUED_SCHEME.search(text, max(0, separator.start() - 32), separator.start())
        if scheme is None:
            continue
        body = separator.end()
        before = text[max(0, scheme.start() - 8) : scheme.start()]
        kind = next((k for k, opener in _OPENERS if opener.search(before)), "other")
        token = _TOKEN[kind].match(text, body)
        end = token.end() if token else body
        authority = _AUTHORITY_END.search(text, body, end)
        authority_end = authority.start() if authority else end
        ats = list(_AT.finditer(text, body, authority_end))
        if ats:  # user information: up to the last '@' of the authority
            spans.append((body, ats[-1].start()))
        masked = _MASK_FROM.search(text, body, end)
        if masked is not None:  # a plain '?' or '#' stays, to show that something followed
            first = masked.end() if len(masked.group()) == 1 else masked.start()
            own = _OWN_DOCS.match(text, scheme.start(), end)
            if own is not None:  # the tool's own documentation: the heading's slug is shown
                first = own.end()
                if not text[first:end].rstrip(_CLOSING):  # a link's ")" or a sentence's "."
                    first = end
            if kind == "other":
                # Not quoted (prose, an unquoted CSV cell): a space before the query is part
                # of the URL (U301), one after it ends the URL: "https://h/a?*** (row 3)".
                space = _SPACE.search(text, first, end)
                end = space.start() if space else end
            line = _LINE_FRAGMENT.match(text, first, end) if masked.group() == "#" else None
            if line is not None and not text[line.end() : end].rstrip(_CLOSING):
                first = end  # a link to a line (#L13), as the step summary writes
            spans.append((first, end))
        position = max(end, position)
    return _masked(text, spans)


def _mask_credentials(text: str) -> str:
    spans: list[tuple[int, int]] = []
    for assign in _ASSIGN.finditer(text):
        start = assign.start()
        if assign.group()[0] in "Bb" or _NAME_BEFORE.search(text, max(0, start - 24), start):
            value = _VALUE.match(text, assign.end())
            if value is not None:
                spans.append(value.span())
    return _masked(text, spans)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span's characters replaced by as many '*'."""
    if not spans:
        return text
    pieces: list[str] = []
    done = 0
    for first, last in sorted(spans):
        first = max(first, done)
        if last > first:
            pieces += (text[done:first], "*" * (last - first))
            done = last
    pieces.append(text[done:])
    return "".join(pieces)


# --- Injection --------------------------------------------------------------------------------

#: Characters that act instead of showing: C0 (tab and line ends too), DEL, C1, line and
#: paragraph separators, bidi controls, the BOM, lone surrogates (undecodable file names); and
#: ``##[``, which GitHub's runner reads as a workflow command anywhere in a line.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff]|##\\["
)


def _escaped(match: re.Match[str]) -> str:
    found = match.group()
    if found == "##[":
        return "#\\x23["
    code = ord(found)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str) -> str:
    """One line of text with every character that could act (move the cursor, end the line,
    reorder what is shown, start a workflow command) written as an escape. Idempotent."""
    return _CONTROL.sub(_escaped, text) if _CONTROL.search(text) else text


def shown_path(path: str) -> str:
    """A path as it may begin a line: escaped, and never starting with ':' (after spaces), as
    GitHub's runner reads a line that does as a workflow command (``::error::``)."""
    path = escape_control(path)
    return "./" + path if path.lstrip().startswith(":") else path


#: A one-line message that starts with a path: shown as a path is.
shown_line = shown_path


_LINE_END = LazyPattern(r"(\r?\n)")
_LINE_COMMAND = LazyPattern(r"^(\s*):(?=:)")


def escape_lines(text: str) -> str:
    """Many lines (a diff, settings): each as ``escape_control`` makes it, tabs and line ends
    kept, and a line that would start a workflow command (``::``) with its ':' escaped."""
    parts = _LINE_END.split(text)
    for index in range(0, len(parts), 2):
        line = "\t".join(escape_control(piece) for piece in parts[index].split("\t"))
        parts[index] = _LINE_COMMAND.sub(r"\1\\x3a", line) if "::" in line else line
    return "".join(parts)


#: At the stream, when it is no terminal: controls other than LF, tab, CR before LF and SGR
#: colour codes (our own output has no other; a terminal gets the progress line's).
_STREAM_CONTROL = re.compile(
    "\x1b\\[[0-9;]*m|\r\n|([\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069])"
)


def _stream_escaped(match: re.Match[str]) -> str:
    return _escaped(match) if match.group(1) is not None else match.group()


# --- The boundary -----------------------------------------------------------------------------


class RedactingStream(io.TextIOBase):
    """A text stream that writes whole lines through ``redact_text`` to another one.

    A line is held until it ends (or the stream is flushed), so that a URL written in pieces
    (``print`` writes the text, then the newline) is seen whole.
    """

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner
        self._pending = ""
        self._lock = threading.Lock()
        try:
            self._terminal = inner.isatty()
        except (AttributeError, ValueError, OSError):
            self._terminal = False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._terminal

    def fileno(self) -> int:
        return self.inner.fileno()

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # as a text stream refuses bytes (click probes this)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            self._pending += text
            cut = self._pending.rfind("\n") + 1
            if cut:
                ready, self._pending = self._pending[:cut], self._pending[cut:]
                self._emit(ready)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            ready, self._pending = self._pending, ""
            if ready:
                self._emit(ready)
        self.inner.flush()

    def close(self) -> None:
        """Flush, and close the stream below too (as closing sys.stderr is meant to)."""
        with contextlib.suppress(OSError, ValueError):
            self.flush()
        self.inner.close()
        super().close()

    def __del__(self) -> None:
        # Not IOBase's close-on-collect: a wrapper dropped after its run must leave the
        # stream below open.
        pass

    def _emit(self, text: str) -> None:
        text = redact_text(text)
        if not self._terminal:
            text = _STREAM_CONTROL.sub(_stream_escaped, text)
        self.inner.write(text)


@contextlib.contextmanager
def redacted_streams() -> Iterator[None]:
    """stdout and stderr through ``RedactingStream`` for the duration; restored after."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(saved[0]), RedactingStream(saved[1])
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        sys.stdout, sys.stderr = saved


def unredacted(stream: TextIO) -> TextIO:
    """The stream under a ``RedactingStream``: for data that must be written as it is (a
    converted manifest), never for messages."""
    return stream.inner if isinstance(stream, RedactingStream) else stream
