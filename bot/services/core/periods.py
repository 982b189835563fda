"""The periods leaderboards are counted over (challenges and quizzes alike)."""

from typing import Literal, get_args

Period = Literal["week", "month", "all"]
PERIODS: tuple[Period, ...] = get_args(Period)
