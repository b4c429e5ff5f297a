"""Which backups to keep: the newest of each recent day, week and month.

A grandfather-father-son rule: with ``daily=7, weekly=4, monthly=12`` the newest backup
of each of the last 7 days that have backups is kept, and the newest of each of the
last 4 ISO weeks, and of the last 12 months. Everything else may be deleted. The newest
backup is always kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def backups_to_keep(taken_at: Iterable[datetime], rule: Retention) -> set[datetime]:
    """The subset of ``taken_at`` the rule keeps."""
    newest_first = sorted(set(taken_at), reverse=True)
    keep: set[datetime] = set(newest_first[:1])

    def newest_per(period: Callable[[datetime], Hashable], count: int) -> None:
        seen: list[Hashable] = []
        for moment in newest_first:
            key = period(moment)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(moment)

    newest_per(lambda moment: moment.date(), rule.daily)
    newest_per(lambda moment: moment.isocalendar()[:2], rule.weekly)
    newest_per(lambda moment: (moment.year, moment.month), rule.monthly)
    return keep
