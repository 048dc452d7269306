"""A long text is held a window at a time (ui/reading_window.py): the view must behave as
if the whole text were in its document. Small limits make a few hundred blocks long."""

from __future__ import annotations

import itertools
import re

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest

from reader_app.domain.text import Block, Role, load_document
from reader_app.ui.paragraphs import progress_text, reading_place
from reader_app.ui.reading_window import WindowLimits
from reader_app.ui.text_view import ReadingView, Span

BLOCKS = 600
SMALL = WindowLimits(from_blocks=300, chars=6_000, max_blocks=120, edge_chars=1_500)


def block_text(n: int) -> str:
    if n == 537:
        return "Only here does the word quetzalcoatl appear, far down the text."
    return f"Verse {n}: and the words of verse {n} go on a while, as verses do."


def long_text(count: int = BLOCKS):  # -> Document
    blocks = tuple(
        Block(f"h{n}", Role.HEADING, f"Chapter {n // 50}", None)
        if n % 50 == 25
        else Block(f"b{n}", Role.BODY, block_text(n), n + 1)
        for n in range(count)
    )
    return load_document()._replace(id="long", blocks=blocks, provenance={})


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(ReadingView, "window_limits", SMALL)


def shown(qtbot, document, size=(700, 500)) -> ReadingView:
    view = ReadingView(document)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def whole(qtbot, monkeypatch, document) -> ReadingView:
    """The same text held whole, to compare with."""
    with monkeypatch.context() as patch:
        patch.setattr(ReadingView, "window_limits", WindowLimits(from_blocks=10**9))
        return shown(qtbot, document)


def held(view: ReadingView) -> int:
    first, last = view.held_blocks
    assert view.document().blockCount() == last - first  # the document holds the window only
    return last - first


def top_block(view: ReadingView) -> str:
    located = view.locate(view.top_position())
    assert located is not None
    return located[0].id


def test_positions_agree_with_the_whole_text_for_every_block(
    qtbot, monkeypatch, small_window
) -> None:
    document = long_text()
    view, reference = shown(qtbot, document), whole(qtbot, monkeypatch, document)
    assert held(reference) == BLOCKS
    assert held(view) <= SMALL.max_blocks
    for block in document.blocks:
        position = reference.document_position(block.id, 4)
        assert view.document_position(block.id, 4) == position
        assert view.locate(position) == reference.locate(position) == (block, 4)
        view.scroll_to_block(block.id)  # brings it into the window
        assert held(view) <= SMALL.max_blocks
        assert view.text_block(block.id).text() == reference.text_block(block.id).text()
        assert view.locate(view.document_position(block.id, 0)) == (block, 0)
    end = reference.document().characterCount() - 1
    view.scroll_to_block(document.blocks[0].id)
    assert view.locate(end) == reference.locate(end)
    assert view.locate(end + 1) is None


def test_a_jump_far_outside_the_window_shows_the_paragraph(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    assert not view.text_block("b580").isValid()  # not held at first
    view.scroll_to_block("b580")
    assert view.text_block("b580").isValid()
    block_top = view.document().documentLayout().blockBoundingRect(view.text_block("b580")).top()
    assert view.verticalScrollBar().value() == round(block_top - 24)
    assert top_block(view) in ("b579", "b580")
    assert held(view) <= SMALL.max_blocks


def test_find_selects_a_word_only_present_far_away(qtbot, small_window) -> None:
    from reader_app.ui.find_bar import FindBar

    document = long_text()
    view = shown(qtbot, document)
    bar = FindBar(view)
    qtbot.addWidget(bar)
    bar.show()
    bar.edit.setText("quetzalcoatl")
    assert bar.count_label.text() == "1 of 1"
    located = view.locate(view.caret_position())
    assert located is not None and located[0].id == "b537"
    assert located[1] == block_text(537).index("quetzalcoatl")
    rect = view.cursorRect()
    assert view.viewport().rect().contains(rect.center())  # on screen
    marked = [s for s in view.extraSelections() if s.cursor.selectedText() == "quetzalcoatl"]
    assert len(marked) == 1


def test_a_note_from_a_selection_in_a_moved_window_anchors_to_its_block(
    make_window, qtbot, monkeypatch, tmp_path, small_window
) -> None:
    from reader_app.ui import library_dialogs
    from tests.gui.note_steps import select_words

    path = tmp_path / "long.md"
    paragraphs = (block_text(n) for n in range(1, BLOCKS))
    path.write_text("# A Long Text\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    window = make_window()
    monkeypatch.setattr(library_dialogs, "open_file_paths", lambda *a: [str(path)])
    qtbot.waitUntil(lambda: getattr(window, "library", None) is not None)
    with qtbot.waitSignal(
        window.library.controller.adding_changed, check_params_cb=lambda n: n == 0
    ):
        window.action("add-text").trigger()
    qtbot.waitUntil(lambda: window.document.title == "A Long Text")
    view = window.reading_view
    target = next(b for b in window.document.blocks if "quetzalcoatl" in b.text)
    assert view.held_blocks[0] == 0 and not view.text_block(target.id).isValid()
    view.scroll_to_block(target.id)
    assert view.held_blocks[0] > 0
    select_words(window, target.id, "word quetzalcoatl")
    window.action("add-note").trigger()
    note = window.notes_controller.repository.list_notes()[-1]
    placement = note.placement
    assert placement is not None and placement.block_id == target.id
    start = target.text.index("word quetzalcoatl")
    assert (placement.start, placement.end) == (start, start + len("word quetzalcoatl"))
    highlights = view.marks("highlights")
    assert [(s.start, s.end) for s in highlights] == [
        (view.document_position(target.id, start), view.document_position(target.id, start + 17))
    ]


def test_marks_near_the_view_are_on_their_text_after_the_window_moves(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    spans = []
    for number in (3, 250, 251, 540):
        start = view.document_position(f"b{number}", 0)
        spans.append(Span(start, start + len(f"Verse {number}"), "highlight-yellow", f"n{number}"))
    view.set_marks("highlights", spans)

    def marked_text() -> list[str]:
        return sorted(s.cursor.selectedText() for s in view.extraSelections())

    assert marked_text() == ["Verse 3"]
    view.scroll_to_block("b250")
    assert view.held_blocks[0] > 0
    assert marked_text() == ["Verse 250", "Verse 251"]
    view.scroll_to_block("b540")
    assert marked_text() == ["Verse 540"]
    assert view.spans_at(view.document_position("b540", 2))[0][1].key == "n540"


def test_page_down_across_window_edges_neither_skips_nor_repeats(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    view.scroll_to_block("b100")
    windows = {view.held_blocks}
    seen = [view.locate(view.top_position())[0]]
    while not view.end_on_screen() and len(seen) < 100:
        QTest.keyClick(view.viewport(), Qt.Key.Key_PageDown)
        windows.add(view.held_blocks)
        seen.append(view.locate(view.top_position())[0])
        assert held(view) <= SMALL.max_blocks
    order = {block.id: n for n, block in enumerate(document.blocks)}
    steps = [order[b.id] - order[a.id] for a, b in itertools.pairwise(seen)]
    assert len(windows) > 3  # the window moved, several times
    assert all(1 <= step <= 13 for step in steps), steps  # about a screen each, always on
    assert view.end_on_screen() and order[seen[-1].id] > BLOCKS - 20


def test_the_wheel_scrolls_on_past_the_windows_edge_without_a_jump(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    view.scroll_to_block("b30")
    first_window = view.held_blocks
    centre = QPointF(view.viewport().rect().center())
    for _ in range(80):
        before = view.top_position()
        event = QWheelEvent(
            centre,
            QPointF(view.viewport().mapToGlobal(centre.toPoint())),
            QPoint(),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QTest.qWait(0)
        view.wheelEvent(event)
        after = view.top_position()
        assert 0 < after - before < 1_000  # a few lines on, whatever the window did
    assert view.held_blocks != first_window


def test_ctrl_home_and_end_reach_the_texts_start_and_end(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.held_blocks[1] == BLOCKS
    assert view.caret_position() == view.document_position(f"b{BLOCKS - 1}", 10**6)
    assert view.end_on_screen()
    QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.held_blocks[0] == 0
    assert view.caret_position() == 0
    assert top_block(view) == document.blocks[0].id


def test_progress_and_the_place_are_the_whole_texts(qtbot, small_window) -> None:
    document = long_text()
    view = shown(qtbot, document)
    view.scroll_to_block("b450")
    place = reading_place(view, document)
    assert place is not None and place[0].id in ("b449", "b450")
    assert progress_text(view, document).endswith(" · 75% read")
    top = view.top_position()
    assert top == view.document_position(place[0].id, place[1])
    view.scroll_to_block("b10")
    view.scroll_to_position(top)  # as the window restores a saved place
    assert view.top_position() == top


def test_a_selection_over_paragraphs_in_a_moved_window_is_copied_whole(qtbot, small_window) -> None:
    from reader_app.ui.study_output import selected_parts

    document = long_text()
    view = shown(qtbot, document)
    view.scroll_to_block("b400")
    start = view.document_position("b400", 6)
    end = view.document_position("b402", 5)
    view.select_range(start, end)
    assert view.selection_range() == (start, end)
    parts = selected_parts(view)
    assert [(block.id, words) for block, words in parts] == [
        ("b400", block_text(400)[6:]),
        ("b401", block_text(401)),
        ("b402", block_text(402)[:5]),
    ]
    assert view.selected_range() is None  # over several paragraphs


def test_a_short_text_is_held_whole(qtbot) -> None:
    document = long_text(ReadingView.window_limits.from_blocks - 1)
    view = shown(qtbot, document)
    assert view.held_blocks == (0, len(document.blocks))
    view.scroll_to_block(document.blocks[-1].id)
    assert view.held_blocks == (0, len(document.blocks))


def test_find_counts_every_match_in_the_whole_text(qtbot, small_window) -> None:
    view = shown(qtbot, long_text())
    verses = [b for b in view.shown_document.blocks if b.text.startswith("Verse")]
    assert len(view.find_matches(re.compile("Verse"))) == len(verses) == BLOCKS - 12 - 1


def test_the_gutter_has_room_for_a_books_five_digit_paragraph_numbers(qtbot) -> None:
    """In a narrow window the gutter is as wide as its labels: ¶15552 was painted as 5552."""

    def gutter(first_number: int) -> float:
        blocks = tuple(
            Block(f"b{n}", Role.BODY, block_text(n), first_number + n) for n in range(20)
        )
        document = load_document()._replace(id="long", blocks=blocks, provenance={})
        view = shown(qtbot, document, size=(420, 400))
        return view.document().rootFrame().frameFormat().leftMargin()

    measured = ReadingView(long_text(20))
    qtbot.addWidget(measured)
    digit = measured.fontMetrics().horizontalAdvance("0")
    assert gutter(15_000) - gutter(1) >= 2 * digit


def test_a_zoom_in_a_moved_window_keeps_the_place_and_carries_to_the_next_window(
    qtbot, small_window
) -> None:
    document = long_text()
    view = shown(qtbot, document)
    view.scroll_to_block("b300")
    place = top_block(view)

    def size(block_id: str) -> float:
        return view.text_block(block_id).begin().fragment().charFormat().font().pointSizeF()

    before = size("b300")
    view.zoom_in()
    assert top_block(view) == place
    assert size("b300") > before
    view.scroll_to_block("b560")  # a new window, built at the new size
    assert view.held_blocks[0] > 300
    assert size("b560") == size("b561") > before


def test_a_window_moved_under_the_reader_leaves_the_text_on_screen_where_it_was(
    qtbot, small_window
) -> None:
    view = shown(qtbot, long_text())
    view.scroll_to_block("b300")
    held_before = view.held_blocks
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() - view.viewport().height())  # near the window's end
    top = view.top_position()
    block_id = top_block(view)

    def on_screen_at() -> float:  # where that block's top is drawn, in viewport pixels
        rect = view.document().documentLayout().blockBoundingRect(view.text_block(block_id))
        return rect.top() - bar.value()

    drawn_at = on_screen_at()
    qtbot.waitUntil(lambda: view.held_blocks != held_before)  # moved once the loop turned
    assert view.top_position() == top
    assert abs(on_screen_at() - drawn_at) <= 1


def test_blocks_between_a_range_after_the_window_is_none(qtbot, small_window) -> None:
    """It gave every block of the window for a range beginning after it."""
    document = long_text()
    view = shown(qtbot, document)
    assert view.held_blocks[1] < 400
    start = view.document_position("b400", 0)
    assert view.blocks_between(start, view.document_position("b410", 0)) == []
    inside = view.document_position("b10", 0)  # from inside the window to after it
    found = view.blocks_between(inside, start)
    assert [b for b, _ in found] == list(document.blocks[10 : view.held_blocks[1]])
    assert [p for _, p in found] == [view.document_position(b.id, 0) for b, _ in found]


def caret_on_screen(view: ReadingView) -> bool:
    return view.viewport().rect().intersects(view.cursorRect())


def test_shift_page_down_past_the_windows_edge_keeps_the_selection_and_the_caret(
    qtbot, small_window
) -> None:
    """The window moving under a selection made by the keyboard: the selection vanished and
    the caret went to the window's first character, far above the screen."""
    view = shown(qtbot, long_text())
    view.setFocus()
    view.scroll_to_block("b100")
    view.set_caret(view.top_position())
    anchor = view.caret_position()
    presses = 0
    while view.held_blocks[0] <= 100 and presses < 40:
        QTest.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ShiftModifier)
        presses += 1
    assert view.held_blocks[0] > 100  # the window moved past the selection's start
    assert caret_on_screen(view)
    selected = view.selection_range()
    assert selected is not None and selected[1] == view.caret_position() > anchor
    assert selected[0] == max(anchor, view.document_position(f"b{view.held_blocks[0]}", 0))
    before = view.caret_position()
    QTest.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ShiftModifier)
    after = view.selection_range()
    assert after is not None and after[0] == selected[0] and after[1] > before  # still growing
    assert caret_on_screen(view)


def test_after_a_far_jump_the_caret_is_on_screen_and_down_keeps_the_view_there(
    qtbot, small_window
) -> None:
    view = shown(qtbot, long_text())
    view.setFocus()
    assert view.caret_position() == 0
    view.scroll_to_block("b500")
    qtbot.waitUntil(lambda: top_block(view) in ("b499", "b500"))
    assert caret_on_screen(view)
    located = view.locate(view.caret_position())
    assert located is not None and located[0].id in ("b499", "b500", "b501")
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert top_block(view) in ("b499", "b500", "b501")
    assert caret_on_screen(view)


def test_a_range_that_fits_a_window_is_selected_whole(qtbot, small_window) -> None:
    """A range wider than half a window but within one: the window was put around its end,
    and only the end was selected."""
    view = shown(qtbot, long_text())
    start = view.document_position("b200", 0)
    end = view.document_position("b260", 5)
    assert end - start < SMALL.chars
    view.select_range(start, end)
    assert view.selection_range() == (start, end)
    assert view.caret_position() == end


def paragraph_numbers(view: ReadingView, start: int, end: int) -> tuple[int, int]:
    numbers = [b.number for b, _ in view.blocks_between(start, end) if b.number is not None]
    return numbers[0], numbers[-1]


def test_select_to_the_end_says_the_selection_stops_at_the_windows_edge(
    qtbot, small_window
) -> None:
    """Ctrl+Shift+End selected to the window's end, silently: Copy took part of the rest."""
    view = shown(qtbot, long_text())
    view.setFocus()
    view.scroll_to_block("b300")
    view.set_caret(view.top_position())
    with qtbot.waitSignal(view.notice) as told:
        QTest.keyClick(
            view,
            Qt.Key.Key_End,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    selected = view.selection_range()
    assert selected is not None and view.held_blocks[1] < BLOCKS  # not to the text's end
    first, last = paragraph_numbers(view, *selected)
    assert told.args == [
        f"Selected ¶{first}–¶{last}: a selection in a book this long can span about "
        "6,000 characters."
    ]


def test_select_all_in_a_long_text_says_it_selected_the_window(qtbot, small_window) -> None:
    view = shown(qtbot, long_text())
    view.scroll_to_block("b300")
    with qtbot.waitSignal(view.notice) as told:
        view.selectAll()
    selected = view.selection_range()
    first, last = view.held_blocks
    assert selected is not None and first > 0 and last < BLOCKS
    assert selected[0] == view.document_position(f"b{first}", 0)
    assert selected[1] == view.document_position(f"b{last - 1}", 10**6)
    numbers = paragraph_numbers(view, *selected)
    assert told.args[0].startswith("Selected ¶{}–¶{}: ".format(*numbers))


def test_select_all_in_a_short_text_selects_it_all_without_a_word(qtbot) -> None:
    view = shown(qtbot, long_text(40))
    with qtbot.assertNotEmitted(view.notice):
        view.selectAll()
    assert view.selection_range() == (0, view.document().characterCount() - 1)


def test_select_all_from_the_menu_says_so_in_the_status_bar(make_window, small_window) -> None:
    window = make_window()
    view = window.reading_view
    view.show_document(long_text())
    view.scroll_to_block("b300")
    window.action("select-all").trigger()
    numbers = paragraph_numbers(view, *view.selection_range())
    assert window.status_label.text().startswith("Selected ¶{}–¶{}: ".format(*numbers))


def test_a_window_qt_splits_otherwise_falls_back_to_the_whole_text(
    qtbot, monkeypatch, small_window
) -> None:
    """Were Qt to make other blocks of a later window than the text's, every position in it
    would be wrong without a word: the view holds the whole text instead, slower but right."""
    document = long_text()
    view = shown(qtbot, document)
    reference = whole(qtbot, monkeypatch, document)
    build_in_runs = ReadingView._build_in_runs
    monkeypatch.setattr(
        ReadingView,
        "_build_in_runs",
        lambda self, *args: build_in_runs(self, *args) and False,  # as if Qt split it otherwise
    )
    view.scroll_to_block("b580")
    assert view.held_blocks == (0, BLOCKS)
    assert top_block(view) in ("b579", "b580")
    for block_id in ("b0", "b300", "b580"):
        position = reference.document_position(block_id, 4)
        assert view.locate(position) == reference.locate(position)
        assert view.text_block(block_id).text() == reference.text_block(block_id).text()


def test_a_selection_replaced_by_select_range_is_not_reported_as_cut(qtbot, small_window) -> None:
    """select_range (a find match, a note's passage) moving the window cut the selection it
    was about to replace, and the status bar reported that cut."""
    document = long_text()
    view = shown(qtbot, document)
    bodies = [block.id for block in document.blocks[110:180] if block.id.startswith("b")]
    with qtbot.assertNotEmitted(view.notice):
        for block_id in bodies:
            view.select_range(view.document_position("b95", 0), view.document_position("b105", 0))
            start = view.document_position(block_id, 0)
            view.select_range(start, start + 5)
            assert view.selection_range() == (start, start + 5)
