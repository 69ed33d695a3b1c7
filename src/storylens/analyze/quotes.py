"""Direct quotations and their speakers.

No maintained library attributes quotes with pronoun resolution (textacy's `direct_quotations`
misses continued and partial quotes), so this is written here on top of spaCy's parse: find the
text between quotation marks, find the speech cue nearest to it ("said", "added", "according
to"), take the cue's grammatical subject, and resolve it to a named speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from typing_extensions import TypeIs

from storylens.analyze.entities import strip_title
from storylens.analyze.sentences import sentence_at
from storylens.analyze.speakers import ROLES, Resolved, Salience, can_speak
from storylens.model import Mention, Quote, Sentence

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Doc, Span, Token

# Each opening mark and the marks that may close it: news copy often mixes curly and straight
# double quotes within one quotation (“I fundamentally disagree," said ...).
OPENERS = {"“": "”\"", "„": "“”", "«": "»", '"': '"”', "‘": "’"}
SPEECH_VERBS = {
    "say", "said", "says", "saying", "add", "added", "adds", "adding", "tell", "told", "tells",
    "telling", "state", "stated", "states", "explain", "explained", "explains", "acknowledge",
    "acknowledged", "acknowledges", "insist", "insisted", "insists", "warn", "warned", "warns",
    "write", "wrote", "writes", "writing", "claim", "claimed", "claims", "ask", "asked", "asks",
    "reply", "replied", "replies", "note", "noted", "notes", "argue", "argued", "argues",
    "announce", "announced", "announces", "declare", "declared", "declares", "continue",
    "continued", "recall", "recalled", "urge", "urged", "describe", "described", "suggest",
    "suggested", "confirm", "confirmed", "confirms", "deny", "denied", "denies", "admit",
    "admitted", "admits", "stress", "stressed", "tweet", "tweeted", "post", "posted", "call",
    "called", "calls", "predict", "predicted", "vow", "vowed", "promise", "promised", "read",
    "reads", "concede", "conceded", "maintain", "maintained", "complain", "complained", "joke",
    "joked", "shout", "shouted", "respond", "responded", "report", "reported", "reports",
    "accuse", "accused", "testify", "testified", "according", "mutter", "muttered", "add:",
    "asking", "comment", "commented", "comments", "conclude", "concluded", "concludes", "quip",
    "quipped", "echo", "echoed", "echoes", "tweeting", "posting", "sing", "sings", "sang",
    "attack", "attacked", "attacks", "dismiss", "dismissed", "laud", "lauded", "praise", "praised",
    "blast", "blasted", "slam", "slammed", "boast", "boasted", "scoff", "scoffed", "counter",
    "countered", "retort", "retorted", "exclaim", "exclaimed", "pledge", "pledged", "assert",
    "asserted", "calling", "describing", "warning", "noting", "arguing", "insisting",
}
PRONOUNS_PERSON = {"he", "she", "him", "her", "i", "we"}
PRONOUNS_OTHER = {"it", "they", "this"}
RELATIVE = {"who", "that", "which"}
CLAUSES = ("relcl", "acl", "advcl")  # clauses that say something of a speaker phrase, not who it is
QUOTE_MARKS = set("“”\"«»„")  # double marks: a single one is also an apostrophe (Sanders’ campaign)
OBJECTS = ("dobj", "dative", "oprd", "iobj")
NOT_SPEAKER_ENTITIES = ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY")
SCARE_MAX_WORDS = 3
MIN_WORDS = 2  # "called him “unstable”": one word borrowed, not a statement quoted
TITLE_MAX_WORDS = 6
_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
MAX_SPEAKER_WORDS = 8
ATTRIBUTION_TAIL = 12  # words of a sentence that only attributes the quotation before it
CUE_HOPS = 4  # words between a quotation and the speech verb it hangs on ("said that X was “...”")
GOVERNOR_HOPS = 3  # words (prepositions, nouns) between a quotation and the verb it hangs on
ATTRIBUTION_WORDS = 45  # longest stretch ("X, a professor at Y, said on Monday.") between two parts of one quotation


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    continued: bool  # the quote runs on into the next paragraph


def quote_spans(text: str) -> list[_Found]:
    """Spans between matching quotation marks, paragraph by paragraph.

    A quote left open at a paragraph's end is kept when the next paragraph opens a quote: the
    convention for a quotation that runs over several paragraphs.
    """
    found: list[_Found] = []
    paragraphs = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    for number, (offset, para) in enumerate(paragraphs):
        following = paragraphs[number + 1][1].lstrip() if number + 1 < len(paragraphs) else ""
        i = 0
        while i < len(para):
            ch = para[i]
            if ch not in OPENERS or (ch == "‘" and i > 0 and para[i - 1].isalnum()):
                i += 1
                continue
            close = _closing(para, i, OPENERS[ch])
            if close is None:
                if following[:1] in OPENERS and ch != "‘":
                    found.append(_Found(offset + i + 1, offset + len(para), True))
                break
            found.append(_Found(offset + i + 1, offset + close, False))
            i = close + 1
    return [_trim(text, f) for f in found if text[f.start : f.end].strip()]


def _closing(para: str, opened: int, closers: str) -> int | None:
    for j in range(opened + 1, len(para)):
        if para[j] in closers:
            if para[j] == "’" and j + 1 < len(para) and para[j + 1].isalpha():
                continue  # an apostrophe inside a single-quoted span: don’t
            return j
    return None


def _trim(text: str, f: _Found) -> _Found:
    start, end = f.start, f.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Found(start, end, f.continued)


def find_quotes(doc: Doc, sentences: list[Sentence], mentions: list[Mention]) -> list[Quote]:
    text = doc.text
    spans = quote_spans(text)
    inside = [(s.start, s.end) for s in spans]
    salience = Salience(doc, sentences, mentions, inside)
    quotes: list[Quote] = []
    spoken: list[tuple[int, str]] = []  # (cue offset, speaker) of the quotations resolved so far
    previous: Quote | None = None
    for span in spans:
        index = sentence_at(sentences, span.start)
        end_index = sentence_at(sentences, span.end)
        frame = [sentences[i] for i in range(index, end_index + 1)]
        cue_token, subject = _cue_and_subject(doc, frame, inside, span)
        words = len(text[span.start : span.end].split())
        if (cue_token is None and words <= SCARE_MAX_WORDS) or words < MIN_WORDS \
                or _is_title(text[span.start : span.end]):
            continue  # scare quotes, single words ("unstable"), titles of shows and films
        tail = sentences[end_index + 1] if end_index + 1 < len(sentences) else None
        if cue_token is None and tail is not None:
            # “Does anybody know?” Graham asked. -- the splitter ended the sentence at the "?"
            cue_token, subject = _tail_attribution(doc, span, tail, inside) or (None, None)
        lead_in = sentences[index - 1] if index > 0 else None
        if cue_token is None and lead_in is not None and (
                _opens_after_colon(text, span) or _opens_after_reported_speech(text, lead_in, span, inside)):
            # "Caddell continued:" closing one paragraph, or "..., Schiff said." just before, with
            # the quotation opening the next paragraph or sentence: the lead-in names the speaker
            cue_token, subject = _cue_and_subject(doc, [lead_in], inside, span)
        if subject is not None and _within(_start_of(subject), inside):
            subject = None  # the parse took words of the quotation itself for the subject
        found = _speaker(doc, span, cue_token, subject, frame, salience, quotes, spoken, previous)
        if found.name and cue_token is not None:
            spoken.append((cue_token.idx, found.name))
        cue = cue_token.text if cue_token is not None else None
        for start, end in _by_sentence(text, span, sentences):
            previous = Quote(start, end, text=text[start:end], speaker=found.name, cue=cue,
                             sentence=sentence_at(sentences, start), resolved=found.how if found.name else "")
            quotes.append(previous)
    return quotes


def _speaker(doc: Doc, span: _Found, cue: Token | None, subject: Span | Token | None, frame: list[Sentence],
             salience: Salience, quotes: list[Quote], spoken: list[tuple[int, str]],
             previous: Quote | None) -> Resolved:
    """The speaker of one quotation, from the strongest evidence there is: the cue's subject, a
    person named by the cue, a signature, the quotation it continues."""
    text = doc.text
    if subject is not None:
        found = _resolve(subject, salience, quotes, spoken)
        if found.name:
            return found
    if cue is not None:
        near = _person_near(cue.idx, frame, salience.people)
        if near:
            return Resolved(near, "nearby")
    labelled = _labelled_by(text, span, salience) if cue is None else None
    if labelled is not None:
        return Resolved(labelled, "named")
    signed = _signed_by(text, span) if cue is None else None
    if signed is not None:
        return Resolved(signed, "signed")
    governor = _governor(doc, span, frame, salience.inside) if cue is None else None
    if governor is not None and not _describes_its_antecedent(governor):
        # “France will always be France,” an angry Hollande retaliated: the verb the quotation hangs
        # on names its speaker, though it is no speech verb (it makes no quotation of scare quotes).
        # It comes before continuation: “I would say this,” Trump answered -- after Hannity's
        # question in the paragraph before -- is Trump's, not a continuation of Hannity's.
        subject = _subject(governor)
        if subject is not None and not _within(_start_of(subject), salience.inside):
            found = _resolve(subject, salience, quotes, spoken)
            if found.name:
                return found
    if previous is not None and _continues(text, previous, span):
        return Resolved(previous.speaker, "inherited")
    # No cue at all: the person the article was last talking about, as a reader would take it
    return Resolved(salience.latest_subject(span.start, spoken), "context")


def _by_sentence(text: str, span: _Found, sentences: list[Sentence]) -> list[tuple[int, int]]:
    """Cut a quotation that runs over several sentences into one piece per sentence, so each quote
    has a single sentence as its provenance; the pieces share the speaker found for the whole."""
    pieces = []
    for sentence in sentences:
        start, end = max(span.start, sentence.start), min(span.end, sentence.end)
        for match in re.finditer(r"\S(?:.*?)(?:[.!?](?=\s+[A-Z“\"‘])|$)", text[start:end], re.DOTALL):
            piece = match.group(0).strip(" \n\"“”‘’")
            if piece:
                offset = start + text[start:end].find(piece, match.start())
                pieces.append((offset, offset + len(piece)))
    return pieces or [(span.start, span.end)]


def _person_near(cue: int, frame: list[Sentence], mentions: list[Mention]) -> str | None:
    """When the parse gives the cue no subject: the person named closest to it in the sentence
    (`mentions` are those outside quotation marks)."""
    lo, hi = frame[0].start, frame[-1].end
    people = [m for m in mentions if lo <= m.start < hi]
    if not people:
        return None
    return min(people, key=lambda m: (m.start > cue, abs(m.start - cue))).canonical


def _is_title(quoted: str) -> bool:
    """'Fox News Sunday', 'The Steve Harvey Morning Show': short, every main word capitalised."""
    words = re.findall(r"[\w'’-]+", quoted)
    if not words or len(words) > TITLE_MAX_WORDS or quoted.rstrip(" ,").endswith((".", "?", "!")):
        return False
    if re.search(r"[.?!]\s+[A-Z]", quoted):
        return False  # "Like Oakland. Or Ferguson,": two sentences are speech, not a title
    main = [w for w in words[1:] if w.casefold() not in _SMALL_WORDS]
    return words[0][:1].isupper() and bool(main) and all(w[:1].isupper() or w[:1].isdigit() for w in main)


_SIGNATURE = re.compile(r"[”\"’']?[^\S\n]*\n?[^\S\n]*[―—–][^\S\n]*((?:[A-Z][\w.'’-]*)(?:[^\S\n]+[A-Z][\w.'’-]*){0,3})")


def _signed_by(text: str, span: _Found) -> str | None:
    """A quotation signed after a dash, as in letters and vox pops: “…” ― Pamela Padilla."""
    found = _SIGNATURE.match(text, span.end, min(len(text), span.end + 80))
    return found.group(1).rstrip(".") if found else None


_LABEL = re.compile(r"(?:^|[\n.!?]\s*|\s)([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,3})[^\S\n]*:[^\S\n]*[“\"]?$")


_LEAD_LABEL = re.compile(r"[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,3})[^\S\n]*:[^\S\n]")


def _labelled_by(text: str, span: _Found, salience: Salience) -> str | None:
    """A quotation after a name and a colon, as in transcripts and lists: Clinton: “Our goal ...”;
    or in a paragraph led by a person's name and a colon, as headlines give a speaker: Ben Carson:
    Hillary Clinton ‘Not Fit To Serve’."""
    found = _LABEL.search(text, max(0, span.start - 60), span.start)
    if found is not None:
        person = salience.person_at(found.start(1), found.end(1))
        return person.canonical if person is not None else found.group(1)
    lead = _LEAD_LABEL.match(text, text.rfind("\n", 0, span.start) + 1, span.start)
    if lead is None:
        return None
    person = salience.person_at(lead.start(1), lead.end(1))
    return person.canonical if person is not None else salience.person_named(lead.group(1))


def _tail_attribution(doc: Doc, span: _Found, after: Sentence, inside: list[tuple[int, int]]
                      ) -> tuple[Token, Span | Token | None] | None:
    """(cue, subject) when the next sentence starts right after the closing mark and attributes
    the quotation. Either a short clause with a speech verb ("Graham asked."), or a sentence whose
    first verb opens it or follows its subject and says nothing of its own: a speech verb with no
    clause ("Miller, a retired worker from a nuclear plant, said pleasantly into the phone.", not
    "She further announced that ...") and no quotation for object ("He pledged “cooperation”"),
    or in a short clause any verb with no object ("Beck questioned.", "reacted Trump."): how a
    quotation ended by "?" or "!" is attributed. Any other sentence only goes on talking."""
    text = doc.text
    gap = text[span.end : after.start]
    chunk = doc.char_span(after.start, after.end, alignment_mode="expand")
    if "\n" in gap or re.search(r"\w", gap) or chunk is None:
        return None
    short = len(after.of(text).split()) <= ATTRIBUTION_TAIL
    if short:
        cue, subject = _cue_and_subject(doc, [after], inside, span)
        if cue is not None:
            return cue, subject
    verbs = [t for t in chunk if t.tag_.startswith("VB") and not _within(t.idx, inside)]
    if not verbs or not (short or verbs[0].lower_ in SPEECH_VERBS):
        return None
    verb, subject = verbs[0], _subject(verbs[0])
    speech = verb.lower_ in SPEECH_VERBS
    if any(c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and (_within(c.idx, inside) or not speech))
           for c in verb.children):
        return None
    opens = verb.i == chunk.start or (subject is not None and _start_of(subject) == after.start)
    return (verb, subject) if opens else None


def _opens_after_reported_speech(text: str, before: Sentence, span: _Found,
                                 inside: list[tuple[int, int]]) -> bool:
    """The quotation opens its sentence, right after a sentence of the same paragraph that holds
    no quotation of its own (indirect speech such as "..., Schiff said.")."""
    gap = text[before.end : span.start]
    if "\n" in gap or re.search(r"\w", gap):
        return False
    return not any(before.start <= s < before.end for s, _ in inside)


def _opens_after_colon(text: str, span: _Found) -> bool:
    paragraph_start = text.rfind("\n", 0, span.start) + 1
    if re.search(r"\w", text[paragraph_start : span.start]):
        return False
    return text[:paragraph_start].rstrip().endswith(":")


def _start_of(subject: Span | Token) -> int:
    return subject.idx if _is_token(subject) else subject.start_char


def _continues(text: str, previous: Quote, span: _Found) -> bool:
    """A quote with no cue that carries on the previous one: in the same run of quotation marks,
    after a short attribution clause in the same paragraph, or opening the paragraph right after
    the one that held the previous quote."""
    between = text[previous.end : span.start]
    if not re.search(r"\w", between):
        return True
    if previous.speaker and "\n" not in between and len(between.split()) <= ATTRIBUTION_WORDS:
        return True  # "First part," Ryan said. "Second part." : the attribution sits between
    paragraph_start = text.rfind("\n", 0, span.start) + 1
    opens_paragraph = not re.search(r"\w", text[paragraph_start : span.start])
    return opens_paragraph and between.count("\n\n") <= 1 and "\n" in between


def _cue_and_subject(doc: Doc, frame: list[Sentence], inside: list[tuple[int, int]],
                     span: _Found) -> tuple[Token | None, Span | Token | None]:
    governing = _governing_cue(doc, span, frame, inside)
    if governing is not None:
        return governing, _subject(governing)
    best: tuple[int, Token, Span | Token | None] | None = None
    for sentence in frame:
        chunk = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if chunk is None:
            continue
        for token in chunk:
            if token.lower_ not in SPEECH_VERBS or _within(token.idx, inside) or not _verbal(token):
                continue
            distance = min(abs(token.idx - span.start), abs(token.idx - span.end))
            if best is None or distance < best[0]:
                best = (distance, token, _subject(token))
    return (best[1], best[2]) if best else (None, None)


def _governing_cue(doc: Doc, span: _Found, frame: list[Sentence], inside: list[tuple[int, int]]) -> Token | None:
    """The speech verb the quotation hangs on in the parse, the nearest one up from it: "Clinton
    claimed that statements by Trump calling for a ban make him “ISIS’ best recruiter”" is
    Clinton's claim, though "calling" stands nearer the quotation."""
    best: tuple[int, int, Token] | None = None
    for token, chain in _chains_above(doc, span, frame, inside, CUE_HOPS):
        if token.is_punct:
            continue  # a comma or mark closing the quotation hangs anywhere
        hops, head = next(((n, h) for n, h in enumerate(chain, 1) if h.lower_ in SPEECH_VERBS and _verbal(h)),
                          (0, None))
        if head is not None:
            distance = min(abs(head.idx - span.start), abs(head.idx - span.end))
            if best is None or (hops, distance) < best[:2]:
                best = (hops, distance, head)
    return best[2] if best else None


def _governor(doc: Doc, span: _Found, frame: list[Sentence], inside: list[tuple[int, int]]) -> Token | None:
    """The verb outside the quotation marks, in the quotation's own sentences, that the quoted
    words hang on in the parse."""
    for _, chain in _chains_above(doc, span, frame, inside, GOVERNOR_HOPS):
        verb = next((head for head in chain if head.tag_.startswith("VB")), None)
        if verb is not None:
            return verb
    chunk = doc.char_span(span.start, span.end, alignment_mode="expand")
    if chunk is None:
        return None
    lo, hi = frame[0].start, frame[-1].end
    # The parse may hang the attribution on the quotation instead: ... techniques -- "I think ..."
    for child in (c for token in chunk for c in token.children):
        if not chunk.start <= child.i < chunk.end and child.dep_ in ("ccomp", "parataxis") \
                and child.tag_.startswith("VB") and not _within(child.idx, inside) and lo <= child.idx < hi:
            return child
    return None


def _describes_its_antecedent(verb: Token) -> bool:
    """Whether the verb heads a relative clause whose subject is the relative pronoun: "Russia and
    China, who want “a world consistent with their authoritarian model”" gives the words of
    whoever the sentence reports (Mattis's letter), describing Russia and China; not a speech
    verb, so its subject is what the quotation is about, not who said it."""
    return verb.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE
                                        for c in verb.children)


def _chains_above(doc: Doc, span: _Found, frame: list[Sentence], inside: list[tuple[int, int]],
                  hops: int) -> Iterator[tuple[Token, list[Token]]]:
    """For each word of the quotation that the parse hangs on a word outside it: that word and the
    words above it, nearest first, at most `hops`, while they stay in the quotation's own sentences
    and outside quotation marks."""
    chunk = doc.char_span(span.start, span.end, alignment_mode="expand")
    if chunk is None:
        return
    lo, hi = frame[0].start, frame[-1].end
    for token in chunk:
        head = token.head
        if chunk.start <= head.i < chunk.end:
            continue
        chain: list[Token] = []
        while len(chain) < hops and lo <= head.idx < hi and not _within(head.idx, inside):
            chain.append(head)
            if head.head.i == head.i:
                break
            head = head.head
        yield token, chain


def _verbal(token: Token) -> bool:
    """A speech verb in use, not part of a compound such as "so-called"."""
    if token.i > 0 and token.doc[token.i - 1].text in ("-", "‑") and not token.doc[token.i - 1].whitespace_:
        return False
    # Penn tags (VB*, MD) rather than coarse POS: the attribute ruler that maps one to the other is
    # left out of the pipeline for speed.
    return token.tag_.startswith("VB") or token.tag_ == "MD" or token.lower_ == "according"


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= offset < e for s, e in spans)


def _subject(cue: Token) -> Span | Token | None:
    """The speaker phrase: the cue's subject, the object of "according to", the subject of the
    verb a participle hangs from ("..., adding 'x'"), or a name the parse did not take for one."""
    found = _parsed_subject(cue)
    if found is None:
        name = _adjacent_name(cue)
        return _phrase(name) if name is not None else None
    return found


def _adjacent_name(cue: Token) -> Token | None:
    """A capitalised word right beside a cue that has no subject ("..., said Skelly, explaining";
    "And Skelly called"): en_core_web_sm tags a surname it has never seen by its suffix ("Skelly"
    as an adverb, like "early") and so finds no subject, where a reader sees a name by its capital.
    Only a capital the sentence does not itself demand counts: not the sentence's first word, nor the
    first after a quotation mark or a colon."""
    doc = cue.doc
    for i in (cue.i - 1, cue.i + 1):
        if not 0 <= i < len(doc):
            continue
        token = doc[i]
        if i > cue.i and token.dep_ in OBJECTS:
            continue  # "calling Alwaleed “dopey”", "told Reuters": who is spoken of or to
        if token.head.i != cue.i or not token.is_alpha or not token.text[0].isupper() or token.is_sent_start \
                or token.tag_.startswith("PRP") or token.is_stop or token.ent_type_ in NOT_SPEAKER_ENTITIES:
            continue
        before = doc[i - 1].text if i > 0 else ""
        if before in QUOTE_MARKS or before in (":", "‘", "'"):
            continue
        return token
    return None


def _parsed_subject(cue: Token) -> Span | Token | None:
    if cue.lower_ == "according":
        for child in cue.children:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return _phrase(grandchild)
    node = cue
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in RELATIVE and node.dep_ == "relcl":
                    return _phrase(node.head)  # "Morial, who said ...": the noun the clause hangs on
                return _phrase(child)
        if node.dep_ not in ("advcl", "conj", "xcomp", "pcomp") or node.head is node:
            return None
        node = node.head
    return None


def _phrase(head: Token) -> Span | Token:
    """The subject's whole phrase ("The full letter from Brigadier Seely"), a named speaker
    inside it is found by `_resolve`."""
    if head.lower_ in PRONOUNS_PERSON | PRONOUNS_OTHER:
        return head
    span = head.doc[head.left_edge.i : head.right_edge.i + 1]
    return span[:MAX_SPEAKER_WORDS * 2]


def _resolve(subject: Span | Token, salience: Salience, quotes: list[Quote],
             spoken: list[tuple[int, str]]) -> Resolved:
    """The speaker a cue's subject phrase names: a pronoun by salience, a named person or
    organisation, a person by surname, a role by its holder; other phrases name no speaker."""
    text = subject.text.strip()
    lowered = text.casefold()
    start = _start_of(subject)
    if lowered in PRONOUNS_PERSON:
        return Resolved(salience.pronoun(lowered, start, spoken), "pronoun")
    if lowered in PRONOUNS_OTHER:
        last = next((q.speaker for q in reversed(quotes) if q.speaker), None)
        return Resolved(last, "pronoun")
    head = subject if _is_token(subject) else subject.root
    person = salience.person_of(head)
    if person is not None:
        return Resolved(person.canonical, "named")
    end = start + len(subject.text)
    named = [m for m in salience.organisations if m.start < end and m.end > start
             and _names_the_phrase(salience.doc, m, head)]
    if named:
        return Resolved(named[0].canonical, "named")
    bare = strip_title(text)
    for m in salience.people:
        if m.canonical.split()[-1].casefold() == bare.split()[-1].casefold():
            return Resolved(m.canonical, "named")
    if head.lower_ in ROLES and not any(c.dep_ == "poss" for c in head.children):  # not "its senior vice president"
        holder = salience.role_holder(head.lower_, start)
        if holder:
            return Resolved(holder, "role")
    if not can_speak(head):
        return Resolved(None, "")  # "The moves", "the core of American national interests"
    words = _naming_words(head)
    return Resolved(" ".join(words[:MAX_SPEAKER_WORDS]) if words else None, "named")


def _naming_words(head: Token) -> list[str]:
    """The words of a speaker phrase that name the speaker: without the clauses hung on it and
    never into a quotation ("the resolution which said the city “condemns" is "the resolution")."""
    clauses = {t.i for child in head.children if child.dep_ in CLAUSES for t in child.subtree}
    tokens = [t for t in head.subtree if t.i not in clauses]
    while tokens and tokens[0].text in QUOTE_MARKS:  # a stray mark the parse hung on the phrase
        tokens.pop(0)
    quoted = next((k for k, t in enumerate(tokens) if t.text in QUOTE_MARKS), len(tokens))
    tokens = tokens[:quoted]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    return [t.text for t in tokens]


def _names_the_phrase(doc: Doc, organisation: Mention, head: Token) -> bool:
    """Whether the organisation is who the phrase names: its head ("the Pentagon"), or an
    organisation the phrase is of, for or from ("a spokesman for the Pentagon") — not a word of
    someone's title ("Senate" in "a statement from Senate Majority Leader Harry Reid's office")."""
    if organisation.start <= head.idx < organisation.end:
        return True
    span = doc.char_span(organisation.start, organisation.end, alignment_mode="expand")
    return span is not None and span.root.dep_ != "compound"


def _is_token(node: Span | Token) -> TypeIs[Token]:
    """A token has a character offset of its own; a span has a start and an end."""
    return hasattr(node, "idx")
