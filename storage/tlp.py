"""Traffic Light Protocol 2.0: labels, their order, and who may see what.

This module is the single place where visibility is decided. `may_see` is the
rule in plain Python (used by tests and for single objects); `visible_clause`
is the same rule as SQL for every read path, so no query can forget it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, literal, or_

from storage.vocabulary import INVISIBLE, TlpLabel

# The labels are defined once, with their Dutch names, in storage/vocabulary.py.
LABELS: tuple[str, ...] = tuple(label.value for label in TlpLabel)
RANK: dict[str, int] = {label: index for index, label in enumerate(LABELS)}


# "amber + strict", "AMBER +STRICT", "oranje strikt": the strict label as people write
# it, spaces around the plus and the Dutch colour and spelling included, and with the
# other marks people put between the words: "AMBER/STRICT", "AMBER (STRICT)", the en
# dash a word processor makes of " - ". Read as plain AMBER, such a report went to every
# organisation's AMBER rooms.
_STRICT_MARK = r"[+\-\u2013\u2014/&:,(]"
_STRICT = re.compile(rf"^(amber|oranje)\s*(?:{_STRICT_MARK}\s*)?stri[ck]t\)?$", re.IGNORECASE)


def parse_label(text: str) -> str | None:
    """`amber`, `TLP:AMBER`, `tlp: groen`, `amber+strict` -> canonical label, else None."""
    value = text.strip()
    if value.lower().startswith("tlp:"):
        value = value[4:].strip()
    if _STRICT.match(value):
        return TlpLabel.AMBER_STRICT.value
    label = TlpLabel.parse(value)
    return label.value if label is not None else None


def highest(labels: list[str]) -> str:
    return max(labels, key=RANK.__getitem__) if labels else "CLEAR"


def lowest(labels: list[str]) -> str:
    """The least of `labels` (a ceiling that holds within every one of them); CLEAR, the
    narrowest ceiling, when there is none."""
    return min(labels, key=RANK.__getitem__) if labels else "CLEAR"


# A TLP marking in running text, written as TLP 2.0 writes labels: "TLP:RED",
# "TLP: AMBER+STRICT", "(TLP:GREEN)", also "tlp rood". Only after the word TLP, so the
# colours of everyday words ("het stoplicht staat op rood") are no label. People also
# write it as the bot's own commands take options (`tlp=rood`), with a dash or a slash
# ("TLP-RED", "TLP/AMBER"), in Markdown ("**TLP**: RED", "TLP: **AMBER**", `TLP:RED`),
# in full-width letters, or with an invisible character from a copy inside it: each of
# these is the same marking (see `_marking_text`). The blanks around the strict label's
# mark are one run or two split by the mark, never two optional runs side by side: those
# made a long run of blanks after a label cost time quadratic in its length.
_TEXT_MARKING = re.compile(
    r"(?<![^\W_])tlp[ \t]*(?:[:=/\-\u2013\u2014][ \t]*)?"
    rf"([a-z]+(?:[ \t]*(?:{_STRICT_MARK}[ \t]*)?stri[ck]t\)?)?)",
    re.IGNORECASE,
)
# Markdown's emphasis, code and strike-through characters: no part of a label.
_MARKUP = re.compile(r"[*_`~]")


def _marking_text(text: str) -> str:
    """The text as its markings are read: full-width forms folded (NFKC), invisible
    characters and Markdown markup left out."""
    return _MARKUP.sub("", INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))


# The Rijksoverheid's state classifications, as ministries' liaisons cite them:
# "Departementaal Vertrouwelijk" (also "Dep.V.", "DepV"), "Stg. Confidentieel",
# "Stg. Geheim", "Stg. Zeer Geheim", "Staatsgeheim, geheim". Such information is meant
# for named people only, stricter than anything TLP shares between organisations, so it
# reads as RED: it stays in the room it was written in, however its words are split (a
# hyphen, a comma, a line break) or "Dep." is written out. "Dep. Verkeer", "Dep. V&J"
# (a ministry), a foundation's "stg." and the everyday "vertrouwelijk" or "geheim" are
# no classification.
_SPLIT = r"[ \t\n,\-\u2013]"
_STATE_CLASSIFICATION = re.compile(
    rf"(?<![^\W_])(?:departementaal{_SPLIT}+vertrouwelijk"
    rf"|dep\.?{_SPLIT}*(?:vertrouwelijk|v(?![^\W\d_]|[ \t]*[&/+]))"
    rf"|(?:stg|staatsgeheim)\.?{_SPLIT}*(?:confidentieel|geheim|zeer{_SPLIT}+geheim))(?![^\W_])",
    re.IGNORECASE,
)


def text_marking(text: str) -> str | None:
    """The highest TLP label the text names with a TLP marking, or None. A marking is
    the writer's label: it raises a default, never lowers it (reports, records,
    questions, answers). A state classification reads as RED."""
    read = _marking_text(text)
    labels = [
        label
        for match in _TEXT_MARKING.finditer(read)
        if (label := parse_label(match.group(1))) is not None
    ]
    if _STATE_CLASSIFICATION.search(read):
        labels.append(TlpLabel.RED.value)
    return highest(labels) if labels else None


# Join rules that let people in (or ask in) without an invite. `restricted` admits every
# member of the allowed spaces unvetted: the bot cannot see who they are (a national
# crisis space holds every partner's staff), and `knock_restricted`, which only adds
# knocking to it, was counted already.
PUBLIC_JOIN_RULES = frozenset({"public", "knock", "restricted", "knock_restricted"})


def is_public(
    join_rule: str | None,
    history_visibility: str | None,
    guest_access: str | None,
    direct_members: int | None = None,
) -> bool:
    """Whether people outside the room can read it: then it sees CLEAR only.

    The one rule for the live room view, the stored `rooms.public` flag and the
    sender's look at the live state just before a send. A room is public when anyone
    may join or knock, or when its history is world readable (a non-member reads it
    through /messages without joining). Guest access counts whenever the join rule
    admits anyone without an invite: Synapse's own private-chat preset sets
    `guest_access: can_join` on every invite-only room, where a guest still needs an
    invite, so there it exposes nothing.

    `direct_members`: for a direct chat (`is_direct` on its invite), how many are in it,
    joined or invited, the bot included. Its own words (a question, the curators' answer
    to it) go back to it as its one person's; with anyone else in it (any member may
    invite anyone) it is no one person's chat and counts as public until it is two
    again. A group room is judged by its rules alone.
    """
    if direct_members is not None and direct_members > 2:
        return True
    if join_rule in PUBLIC_JOIN_RULES or history_visibility == "world_readable":
        return True
    return guest_access == "can_join" and join_rule not in ("invite", "private")


class Binding(Protocol):
    """What a room's view needs from its binding (a `RoomBinding` or a `BindingView`)."""

    @property
    def clearance(self) -> str: ...

    @property
    def organisation(self) -> str | None: ...


@dataclass(frozen=True)
class RoomAccess:
    """What decides a room's view: its binding (if any) and whether it is public."""

    room_id: str
    bound: bool = False
    clearance: str = "CLEAR"
    organisation: str | None = None
    public: bool = False
    # The command-line operator (`knooppunt export`): holds the database anyway, so only
    # the label ceiling they chose applies, not rooms or organisations.
    operator: bool = False
    # The rooms this room replaced (room upgrades, oldest first): their posts are its own
    # posts, as the same people wrote them there (`storage.rooms.carry_binding`).
    earlier: tuple[str, ...] = ()
    # A direct chat (`is_direct` on its invite): its publicness counts its members too
    # (`is_public`), which the sender reads from the live state just before a send.
    direct: bool = False

    def own(self, entry_room: str) -> bool:
        """Was the item posted in this room (or in a room it replaced)?"""
        return entry_room == self.room_id or entry_room in self.earlier

    @classmethod
    def unbound(cls, room_id: str) -> RoomAccess:
        return cls(room_id=room_id)

    @classmethod
    def for_binding(
        cls, room_id: str, binding: Binding | None, public: bool = False, direct: bool = False
    ) -> RoomAccess:
        """A room's view from its binding: cleared as bound, or CLEAR only unbound.

        The one way a view is made from a binding. A stored binding that is no longer
        active counts as none (`active` is read when the binding has it). A direct chat
        sees CLEAR only even when an admin bound it: it is one person's chat, not a
        partner's room, and its members can change without any binding noticing.
        """
        earlier = tuple(getattr(binding, "earlier", ()) or ())
        if binding is None or direct or not getattr(binding, "active", True):
            return cls(room_id=room_id, public=public, earlier=earlier, direct=direct)
        return cls(room_id, True, binding.clearance, binding.organisation, public, earlier=earlier)

    @classmethod
    def for_configured_curators(cls, room_id: str, public: bool = False) -> RoomAccess:
        """The room the configuration names as `curator_room` while it has no binding:
        named by the operator (an admin's act), it is cleared to GREEN, no organisation.
        The question routing and the outbox label and check read it alike."""
        return cls(room_id, True, "GREEN", None, public)

    @classmethod
    def for_operator(cls, ceiling: str) -> RoomAccess:
        return cls(room_id="cli", bound=True, clearance=ceiling, operator=True)


def may_see(access: RoomAccess, label: str, entry_room: str, entry_org: str | None) -> bool:
    if access.operator:
        return RANK[label] <= RANK[access.clearance]
    if label == "CLEAR":
        return True
    if access.public:
        # Public rooms see CLEAR only, their own posts included: whoever joins a room
        # that turned public would otherwise read its old AMBER and RED reports.
        return False
    if access.own(entry_room):
        return True  # a (non-public) room always sees its own posts
    if not access.bound:
        return False  # unbound rooms and direct chats see CLEAR only
    if RANK[label] > RANK[access.clearance]:
        return False
    if label == "RED":
        return False  # RED never leaves the room it was posted in
    if label == "AMBER+STRICT":
        return access.organisation is not None and entry_org == access.organisation
    return True


def may_hear_of(access: RoomAccess, label: str, entry_room: str, entry_org: str | None) -> bool:
    """Whether a room may be told that an item exists (a domino alert's redacted form:
    a severe outage, its sector and region, under GREEN) when it may not see the item
    itself; True when it may see the item. Only where the item's label lets it beyond
    its room: RED is for its named recipients only, so nobody else hears of it, and
    AMBER+STRICT of an organisation's own rooms only. Telling another organisation as
    GREEN that there is a RED outage, and where, discloses what RED holds back. A room
    that sees CLEAR only (public, unbound, a direct chat) hears of nothing labelled."""
    return may_see(_hearing(access), label, entry_room, entry_org)


def _hearing(access: RoomAccess) -> RoomAccess:
    """The view `may_hear_of` judges by: a room that may see GREEN (bound, not public)
    hears of everything up to AMBER+STRICT as if cleared so (RED stays in its room, the
    strict label in its organisation: `may_see`'s own rules); any other room hears of
    only what it may see."""
    if access.operator or not may_see(access, "GREEN", "", None):
        return access
    if RANK[access.clearance] >= RANK["AMBER+STRICT"]:
        return access
    return replace(access, clearance="AMBER+STRICT")


def within_ceiling(label: str, ceiling: str) -> bool:
    """Whether the operator's file with this `--max-tlp` ceiling may hold an item with
    this label (`knooppunt export`, `knowledge|objects|network export`): `may_see` for the
    operator, so the files follow the one rule too."""
    return may_see(RoomAccess.for_operator(ceiling), label, "", None)


def why_not(access: RoomAccess, label: str, entry_room: str, entry_org: str | None) -> str | None:
    """Why `may_see` says no, for telling a writer where their words did not go (never
    the content): "public" (a public room sees CLEAR only), "unbound" (an unbound room
    or a direct chat: CLEAR only), "clearance" (above the room's clearance), "red" (RED
    stays in its own room), "strict" (AMBER+STRICT stays in its organisation); None when
    the room may see it."""
    if may_see(access, label, entry_room, entry_org):
        return None
    if access.public:
        return "public"
    if not access.bound:
        return "unbound"
    if RANK[label] > RANK[access.clearance]:
        return "clearance"
    return "red" if label == "RED" else "strict"


def visible_clause(
    access: RoomAccess, rank_col: Any, room_col: Any, org_col: Any
) -> ColumnElement[bool]:
    """`may_see` as a SQL condition over an entry's tlp rank, room and organisation."""
    if access.operator:
        return rank_col <= RANK[access.clearance]  # type: ignore[no-any-return]
    allowed: list[ColumnElement[bool]] = [rank_col == RANK["CLEAR"]]
    if access.public:
        return or_(*allowed)  # CLEAR only, also the room's own posts (see `may_see`)
    allowed.append(
        room_col.in_((access.room_id, *access.earlier))
        if access.earlier
        else room_col == access.room_id
    )
    if access.bound:
        ceiling = RANK[access.clearance]
        for label in ("GREEN", "AMBER"):
            if ceiling >= RANK[label]:
                allowed.append(rank_col == RANK[label])
        if ceiling >= RANK["AMBER+STRICT"] and access.organisation is not None:
            allowed.append(
                and_(rank_col == RANK["AMBER+STRICT"], org_col == literal(access.organisation))
            )
        # RED: never beyond its own room, whatever the clearance.
    return or_(*allowed)


def heard_clause(
    access: RoomAccess, rank_col: Any, room_col: Any, org_col: Any
) -> ColumnElement[bool]:
    """`may_hear_of` as a SQL condition (`visible_clause` of the view it judges by)."""
    return visible_clause(_hearing(access), rank_col, room_col, org_col)


# A label as the bot names it in what it writes ("TLP:AMBER — Meldingen …", "· TLP:RED"):
# every reply that shows labelled content says its highest label so (DESIGN.md).
_NAMED = re.compile(r"TLP:(CLEAR|GREEN|AMBER\+STRICT|AMBER|RED)")


def named_label(text: str) -> str:
    """The highest label `text` names the bot's way (`TLP:AMBER`), CLEAR when none. A
    reply's banner says the highest label it shows; a label named in passing (a user's
    words echoed) can only make this higher, never lower."""
    return highest(_NAMED.findall(text))


# A label as a file names it: a column or field value ("tlp": "AMBER", `;AMBER;`).
_LABEL_WORD = re.compile(r"(?<![A-Za-z])(CLEAR|GREEN|AMBER\+STRICT|AMBER|RED)(?![A-Za-z+])")


def named_in_file(data: str) -> str:
    """The highest label a file (an export) names as a word of its own, CLEAR when none:
    an export's rows carry their labels as values, not as banners. A capitalised word
    that only looks like one ("RED CROSS") can only make this higher, never lower."""
    return highest(_LABEL_WORD.findall(data))


def shown_part(access: RoomAccess, label: str) -> str:
    """The highest label, up to `label`, that `access` sees even of its own posts: what a
    reply built for this room can have shown. A public room sees CLEAR only, so a reply
    built for it that names a label ("M-1 recorded · TLP:GREEN", "a public room sees
    TLP:CLEAR only, and the answer is TLP:AMBER") names it without showing it; judged by
    the name alone, its own receipt or refusal was voided in every public room."""
    for candidate in sorted(RANK, key=RANK.__getitem__, reverse=True):
        if RANK[candidate] <= RANK[label] and may_see(
            access, candidate, access.room_id, access.organisation
        ):
            return candidate
    return "CLEAR"


def shared_part(access: RoomAccess, label: str) -> str:
    """The highest label, up to `label`, that `access` sees of other rooms' posts: what
    a reply labelled `label` may show of someone else's (anything above is the room's
    own, which is how the room could see it at all)."""
    for candidate in sorted(RANK, key=RANK.__getitem__, reverse=True):
        if RANK[candidate] <= RANK[label] and may_see(access, candidate, "", access.organisation):
            return candidate
    return "CLEAR"


def may_still_see(access: RoomAccess, label: str, shared: str, organisation: str | None) -> bool:
    """Whether a reply built for this room earlier may still go to it now: its content
    up to `label` (the highest it shows) as the room's own posts, and up to `shared` as
    other rooms' (AMBER+STRICT of `organisation`, the room's when the reply was made)."""
    own = may_see(access, label, access.room_id, organisation)
    return own and may_see(access, shared, "", organisation)


def raised_row(
    row: tuple[str, str, str | None], own: bool, raised: tuple[str, str, str | None]
) -> tuple[str, str, str | None] | None:
    """A waiting reply's label (highest shown, highest of other rooms' posts, their
    AMBER+STRICT organisation) after an item it may show was raised (`raised`: old
    label, new label, the item's organisation); None when the row cannot show the item.

    Which items a row shows is not stored, so every row that could show it counts: one
    that showed content at the item's old label, of its own room's posts when the item
    is its room's (`own`), else of other rooms'. Such a row then shows the item at its
    new label, and the check before the send (`may_still_see`) judges it so: a room
    that saw the report as AMBER does not get it once the reporter made it RED."""
    label, shared, organisation = row
    old, new, item_org = raised
    if RANK[label] < RANK[old] or (not own and RANK[shared] < RANK[old]):
        return None
    if own:
        return highest([label, new]), shared, organisation
    shared_now = highest([shared, new])
    if shared_now == "AMBER+STRICT" and RANK[shared] < RANK["AMBER+STRICT"]:
        organisation = item_org  # the strict content shown is now the item's organisation's
    elif shared_now == "AMBER+STRICT" and item_org != organisation:
        shared_now = "RED"  # strict content of two organisations: no other room may see it
    return highest([label, new, shared_now]), shared_now, organisation
