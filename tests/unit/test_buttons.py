"""IdButton: the one place where the ids in a persistent button's custom id are read."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.career import Level
from bot.ui.buttons import ID_MAX, INDEX_MAX, BadField, IdButton, parse_id, parse_index, parse_word
from bot.ui.pages import NO_KEY, PageButton
from cogs.career.views import AnotherTipButton, SaveTipButton
from cogs.challenges.views import FeedbackButton, HelpfulButton, SubmitButton, VoteButton
from cogs.mentoring.views import FeedbackButton as MentorshipFeedbackButton
from cogs.mentoring.views import RequestButton
from cogs.networking.views import CheckInButton
from cogs.profiles.views import SectionButton
from cogs.quiz.views import (
    LiveAnswerButton,
    SoloAnswerButton,
    SoloNextButton,
    SoloRestartButton,
    SoloResumeButton,
    TakeRoleButton,
    TypeAnswerButton,
    TypeBackButton,
    TypeRestartButton,
    TypeResumeButton,
)
from cogs.safety.views import ReportHandledButton
from cogs.suggestions.views import HandledButton

SNOWFLAKE = 1_177_433_809_723_326_464
BUILT: list[IdButton] = [
    SubmitButton(7),
    VoteButton(SNOWFLAKE),
    FeedbackButton(7),
    HelpfulButton(7, marked=True),
    HandledButton(7),
    RequestButton("accept", SNOWFLAKE, 7),
    RequestButton("decline", SNOWFLAKE, 7),
    MentorshipFeedbackButton(SNOWFLAKE, 7, SNOWFLAKE),
    SectionButton(SNOWFLAKE, "about"),
    SectionButton(SNOWFLAKE, "privacy"),
    CheckInButton(SNOWFLAKE, 7, "not-yet"),
    SaveTipButton("getting-started-01"),
    SaveTipButton("g12"),
    AnotherTipButton("networking", Level.ADVANCED),
    AnotherTipButton(None, None),
    TypeAnswerButton(7, 0, 3, "Mixing"),
    TypeBackButton(7, 2, disabled=True),
    TypeResumeButton(7, "Continue from question 3"),
    TypeRestartButton(7),
    ReportHandledButton(SNOWFLAKE),
    TakeRoleButton(7),
    SoloAnswerButton(7, 4, 0),
    SoloNextButton(7, 4),
    SoloResumeButton(7, "Continue from question 2"),
    SoloRestartButton(7, 20, "all"),
    SoloRestartButton(7, 3, "mixing-mastering"),
    LiveAnswerButton(ID_MAX, INDEX_MAX, 4),
    PageButton("help", NO_KEY, 0, back=True, disabled=True),
    PageButton("challenge-board", "month", INDEX_MAX),
    PageButton("quiz-board", "week-mixing-mastering", 3),
    PageButton("challenge-history", str(SNOWFLAKE), 1),
]
"""Every kind of persistent button, as the bot builds them."""

NOT_IDS = [
    "",
    "0",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1\n",
    "1_000",
    "0x1f",
    "1e3",
    "12abc",
    "٣",
    "²",
    "\uff11",
]


def concrete(kind: type[IdButton] = IdButton) -> set[type[IdButton]]:
    """The subclasses of ``kind`` that discord.py can dispatch to (have a template), one per
    name: a bot that unloads its cogs and loads them again (other tests in this process)
    leaves the earlier classes behind as subclasses too."""
    found: dict[str, type[IdButton]] = {}
    pending = [kind]
    while pending:
        current = pending.pop()
        if current.__discord_ui_compiled_template__.pattern != "(?!)":
            found[name_of(current)] = current
        pending += current.__subclasses__()
    return set(found.values())


def name_of(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def read(custom_id: str) -> IdButton:
    """What a press of ``custom_id`` becomes: the one kind of button whose template matches."""
    [(kind, match)] = [
        (kind, match)
        for kind in concrete()
        if (match := kind.__discord_ui_compiled_template__.fullmatch(custom_id))
    ]
    return kind.from_match(match)


@given(st.integers(1, ID_MAX))
def test_an_id_in_ascii_digits_reads_as_its_number(number: int) -> None:
    assert parse_id(str(number)) == number


@given(st.text(st.characters(categories=["Nd"], exclude_characters="0123456789"), min_size=1))
def test_digits_of_other_scripts_are_no_id(digits: str) -> None:
    with pytest.raises(BadField):
        parse_id(digits)
    with pytest.raises(BadField):
        parse_index(digits)


@pytest.mark.parametrize("text", [*NOT_IDS, str(2**63), "99999999999999999999999"])
def test_an_id_is_ascii_digits_from_1_to_below_2_to_the_63(text: str) -> None:
    with pytest.raises(BadField):
        parse_id(text)


def test_a_position_counts_from_0_and_fits_an_integer_column() -> None:
    assert parse_index("0") == 0 and parse_index(str(INDEX_MAX)) == INDEX_MAX
    for text in ["-1", str(INDEX_MAX + 1), "٣", ""]:
        with pytest.raises(BadField):
            parse_index(text)


def test_a_word_is_ascii_letters_digits_and_dashes() -> None:
    assert parse_word("not-yet") == "not-yet" and parse_word("g12") == "g12"
    for text in ["", "ünï", "g²", "a b", "a:b"]:
        with pytest.raises(BadField):
            parse_word(text)


def test_every_kind_of_button_reads_back_the_custom_id_it_writes() -> None:
    assert {name_of(type(button)) for button in BUILT} == {name_of(k) for k in concrete()}
    for button in BUILT:
        again = read(button.custom_id)
        assert type(again) is type(button) and again.usable, button.custom_id
        assert again.custom_id == button.custom_id


@pytest.mark.parametrize(
    "custom_id",
    [
        *(f"challenge:vote:{text}" for text in NOT_IDS),
        f"challenge:vote:{2**63}",
        f"quiz:next:7:{INDEX_MAX + 1}",
        "quiz:solo:7:0:5",  # there is no sixth letter
        "career:another:-:expert",
        "career:save:g99999999999999999999999",
        "network:checkin:1:2:maybe",
        "mentor:approve:1:2",
    ],
)
def test_a_custom_id_that_names_nothing_gives_a_stand_in_that_refuses(custom_id: str) -> None:
    stand_in = read(custom_id)
    assert not stand_in.usable and stand_in.custom_id == custom_id


def test_a_well_formed_custom_id_gives_the_button_with_its_ids() -> None:
    button = read("challenge:vote:42")
    assert isinstance(button, VoteButton) and button.usable and button.submission_id == 42
