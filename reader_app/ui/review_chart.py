"""Review > Statistics: reviews due over the next 30 days and past retention, painted by hand.

Two bar charts drawn with QPainter in the window's palette (so they follow the theme), no
plotting library: the cards falling due on each of the next 30 days (today's bar counts the
overdue ones too), and for each of the last eight weeks the share of due cards remembered
(anything but Again), against a dashed line at the desired retention. The same figures are
written out in words beside the chart, for screen readers and for anyone who prefers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from reader_app.domain.scheduling import Retention
from reader_app.settings import DESIRED_RETENTION

PANEL_GAP = 28
AXIS_WIDTH = 46
VALUE_SPACE = 18  # above the plot, for the figure over a full bar
LABEL_HEIGHT = 18
TITLE_HEIGHT = 22


def _nice_maximum(value: int) -> int:
    """A round top for the count axis: 1, 2, 5, 10, 20, 50, …"""
    top = 1
    while top < value:
        top = top * 5 // 2 if str(top)[0] == "2" else top * 2
    return top


class ReviewChart(QWidget):
    """The two charts; ``set_data`` gives them their figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Review chart")
        self.setMinimumSize(600, 380)
        self.due: list[tuple[date, int]] = []
        self.weeks: list[tuple[date, Retention]] = []
        self.target = DESIRED_RETENTION.default

    def set_data(
        self,
        due: Sequence[tuple[date, int]],
        weeks: Sequence[tuple[date, Retention]],
        target: float,
    ) -> None:
        self.due, self.weeks, self.target = list(due), list(weeks), target
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        area = QRectF(self.rect()).adjusted(12, 8, -12, -8)
        upper_height = (area.height() - PANEL_GAP) * 0.55
        upper = QRectF(area.left(), area.top(), area.width(), upper_height)
        lower = QRectF(
            area.left(), upper.bottom() + PANEL_GAP, area.width(), area.bottom() - upper.bottom()
        )
        lower.setHeight(area.bottom() - upper.bottom() - PANEL_GAP)
        self._paint_due(painter, upper)
        self._paint_retention(painter, lower)
        painter.end()

    # ----- shared pieces ----------------------------------------------------------------

    def _colour(self, role: QPalette.ColorRole) -> QColor:
        return self.palette().color(role)

    def _muted(self) -> QColor:
        text = self._colour(QPalette.ColorRole.Text)
        base = self._colour(QPalette.ColorRole.Base)
        return QColor(
            (text.red() + base.red() * 2) // 3,
            (text.green() + base.green() * 2) // 3,
            (text.blue() + base.blue() * 2) // 3,
        )

    def _title(self, painter: QPainter, rect: QRectF, text: str, note: str = "") -> QRectF:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self._colour(QPalette.ColorRole.Text))
        painter.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), TITLE_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.setFont(self.font())
        if note:
            painter.drawText(
                QRectF(rect.left(), rect.top(), rect.width(), TITLE_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                note,
            )
        return rect.adjusted(AXIS_WIDTH, TITLE_HEIGHT + VALUE_SPACE, 0, -LABEL_HEIGHT)

    def _axis(self, painter: QPainter, plot: QRectF, top_label: str) -> None:
        painter.setPen(QPen(self._muted(), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.topRight())
        painter.setPen(self._colour(QPalette.ColorRole.Text))
        for y, label in ((plot.top(), top_label), (plot.bottom(), "0")):
            painter.drawText(
                QRectF(plot.left() - AXIS_WIDTH, y - 9, AXIS_WIDTH - 6, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )

    def _x_label(
        self,
        painter: QPainter,
        x: float,
        plot: QRectF,
        text: str,
        row: int = 0,
        muted: bool = False,
    ) -> None:
        painter.setPen(self._muted() if muted else self._colour(QPalette.ColorRole.Text))
        painter.drawText(
            QRectF(x - 50, plot.bottom() + 4 + row * LABEL_HEIGHT, 100, LABEL_HEIGHT),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            text,
        )

    # ----- the charts -------------------------------------------------------------------

    def _paint_due(self, painter: QPainter, rect: QRectF) -> None:
        total = sum(count for _, count in self.due)
        plot = self._title(painter, rect, f"Reviews due in the next 30 days ({total} in all)")
        top = _nice_maximum(max((count for _, count in self.due), default=0))
        self._axis(painter, plot, str(top))
        if not self.due:
            return
        slot = plot.width() / len(self.due)
        bar = self._colour(QPalette.ColorRole.Highlight)
        for index, (day, count) in enumerate(self.due):
            x = plot.left() + index * slot
            if count:
                height = plot.height() * count / top
                painter.fillRect(
                    QRectF(x + slot * 0.15, plot.bottom() - height, slot * 0.7, height), bar
                )
            if index % 5 == 0:
                label = "today" if index == 0 else day.strftime("%d %b").lstrip("0")
                self._x_label(painter, x + slot / 2, plot, label)

    def _paint_retention(self, painter: QPainter, rect: QRectF) -> None:
        plot = self._title(
            painter,
            rect,
            "Remembered when due, week by week",
            f"dashed line: your aim, {self.target:.0%}",
        ).adjusted(0, 6 - VALUE_SPACE, 0, -LABEL_HEIGHT)  # a second row of labels: the figures
        self._axis(painter, plot, "100%")
        if not self.weeks:
            return
        slot = plot.width() / len(self.weeks)
        bar = self._colour(QPalette.ColorRole.Highlight)
        bar.setAlpha(170)
        for index, (first_day, week) in enumerate(self.weeks):
            x = plot.left() + index * slot
            if week.rate is not None:
                height = plot.height() * week.rate
                painter.fillRect(
                    QRectF(x + slot * 0.2, plot.bottom() - height, slot * 0.6, height), bar
                )
            self._x_label(painter, x + slot / 2, plot, first_day.strftime("%d %b").lstrip("0"))
            figure = f"{week.rate:.0%} of {week.reviewed}" if week.rate is not None else "none due"
            self._x_label(painter, x + slot / 2, plot, figure, row=1, muted=week.rate is None)
        target_y = plot.bottom() - plot.height() * self.target
        pen = QPen(self._colour(QPalette.ColorRole.Text), 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(plot.left(), target_y), QPointF(plot.right(), target_y))


def summary_text(
    due: Sequence[tuple[date, int]], weeks: Sequence[tuple[date, Retention]], due_now: int
) -> str:
    """The chart's figures in words."""
    coming = sum(count for _, count in due)
    remembered = sum(week.remembered for _, week in weeks)
    reviewed = sum(week.reviewed for _, week in weeks)
    memory = (
        f"Of {reviewed} cards answered when due in the last {len(weeks)} weeks, you "
        f"remembered {remembered} ({remembered / reviewed:.0%})."
        if reviewed
        else f"No card came due for review in the last {len(weeks)} weeks yet, so there is "
        "no retention to show."
    )
    return f"{due_now} due now, {coming} in the next 30 days (today counts the overdue). {memory}"


class ReviewStatistics(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review Statistics")
        self.setAccessibleName("Review statistics")
        self.resize(720, 520)
        self.chart = ReviewChart(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Review statistics in words")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def show_data(
        self,
        due: Sequence[tuple[date, int]],
        weeks: Sequence[tuple[date, Retention]],
        due_now: int,
        target: float = DESIRED_RETENTION.default,
    ) -> None:
        self.chart.set_data(due, weeks, target)
        text = summary_text(due, weeks, due_now)
        self.summary.setText(text)
        self.chart.setAccessibleDescription(text)
