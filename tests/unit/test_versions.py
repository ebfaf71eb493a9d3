"""What changed between two narration versions, block by block (service/articles/versions.py)."""

from __future__ import annotations

from service.articles.versions import VersionBlock, compare


def block(
    position: int, text: str, *, key: str | None = None, voice: str = "joe", lexicon: dict[str, str] | None = None
) -> VersionBlock:
    return VersionBlock(position, key or f"{text}|{voice}|{lexicon}", "paragraph", text, voice, lexicon or {}, True)


def test_the_same_blocks_have_no_changes() -> None:
    blocks = [block(0, "Title"), block(1, "One.")]
    assert compare(blocks, blocks) == []


def test_a_lexicon_entry_changes_only_the_block_that_uses_it() -> None:
    before = [block(0, "Title"), block(1, "Shares of Nike fell."), block(2, "Shoes.")]
    after = [before[0], block(1, "Shares of Nike fell.", lexicon={"Nike": "Nikey"}), before[2]]
    [change] = compare(before, after)
    assert change.what == "pronunciation" and change.after is not None and change.after.position == 1


def test_edited_added_and_removed_blocks() -> None:
    before = [block(0, "Title"), block(1, "Old text."), block(2, "Gone.")]
    after = [block(0, "Title"), block(1, "New text."), block(2, "Added one."), block(3, "Added two.")]
    changes = compare(before, after)
    assert [c.what for c in changes] == ["text", "text", "added"]


def test_another_voice_is_named() -> None:
    [change] = compare([block(0, "One.")], [block(0, "One.", voice="amy")])
    assert change.what == "voice"
