"""The services the dashboard added, on a real database: the month calendar, the moderation
queue, the audit log and the community figures."""

from datetime import UTC, date, datetime, timedelta

from bot.app import App
from bot.models.challenges import ChallengePost, ChallengeSubmission
from bot.services.challenges.calendar import ChallengeCalendar
from bot.services.community.queue import ModerationQueue
from bot.services.community.stats import CommunityStats
from bot.services.core.audit import AuditService

GUILD, CHANNEL, MOD = 1_000, 2_000, 3_000
NOW = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)  # a Tuesday


async def test_the_month_shows_posted_scheduled_bank_and_paused_days(app: App) -> None:
    app.clock.set(NOW)  # type: ignore[attr-defined]
    services = app.services.challenges
    calendar = ChallengeCalendar(app.database, app.clock, services.schedule)
    await services.settings.setup(GUILD, CHANNEL, "09:00", "UTC")
    await services.settings.set_cadence(GUILD, "weekdays", None)
    card = services.schedule.card(
        "Glue the drums", "Bus-compress a loop.", "sound-design", "easy", 24
    )
    await services.schedule.add(GUILD, MOD, card, "2027-03-13")  # a Saturday
    post = await services.posting.post_now(GUILD)
    await services.posting.confirm(post, 42, None)

    month = await calendar.month(GUILD, 2027, 3)
    states = {day.local_date.day: day.state for day in month.days}
    assert len(month.days) == 31 and month.today == date(2027, 3, 9)
    assert states[9] == "posted" and states[8] == "none"  # before set-up: nothing
    assert states[10] == "bank" and states[13] == "scheduled" and states[14] == "none"
    assert month.days[12].title == "Glue the drums"
    [past] = await calendar.past(GUILD)
    assert (past.local_date, past.entries, past.winner_id) == (date(2027, 3, 9), 0, None)
    assert all(d.state == "none" for d in (await calendar.month(GUILD, 2027, 2)).days)

    await services.settings.set_paused(GUILD, True)
    states = {d.local_date.day: d.state for d in (await calendar.month(GUILD, 2027, 3)).days}
    assert states[10] == "paused" and states[13] == "paused" and states[9] == "posted"


async def test_the_queue_holds_open_items_of_its_guild_only(app: App) -> None:
    queue = ModerationQueue(app.database)
    safety, suggestions = app.services.safety, app.services.suggestions
    first = await safety.report(GUILD, 11, 12, "Posted the same link in every channel.")
    await safety.report(GUILD + 1, 11, 12, "Another server's report, never shown here.")
    idea = await suggestions.create(GUILD, 11, "Sample swap", "A monthly sample swap night.")
    assert [r.id for r in await queue.reports(GUILD)] == [first.id]
    assert [s.id for s in await queue.suggestions(GUILD)] == [idea.id]
    await safety.mark_report_handled(GUILD, first.id, MOD)
    await suggestions.mark_handled(GUILD, idea.id, MOD)
    assert await queue.reports(GUILD) == [] and await queue.suggestions(GUILD) == []


async def test_the_audit_log_is_per_guild_newest_first(app: App) -> None:
    audit = AuditService(app.database, app.clock)
    app.clock.set(NOW)  # type: ignore[attr-defined]
    await audit.record(GUILD, MOD, "time zone", "set to Europe/Berlin")
    app.clock.set(NOW + timedelta(minutes=5))  # type: ignore[attr-defined]
    await audit.record(GUILD, MOD, "tip added", "x" * 600)
    await audit.record(GUILD + 1, MOD, "elsewhere", "not shown")
    lines = await audit.recent(GUILD)
    assert [line.action for line in lines] == ["tip added", "time zone"]
    assert len(lines[0].detail) == 500


async def test_streaks_count_members_by_their_current_run(app: App) -> None:
    app.clock.set(NOW)  # type: ignore[attr-defined]
    days = [date(2027, 3, d) for d in (1, 2, 3)]
    async with app.database.write() as session:
        posts = []
        for day in days:
            post = ChallengePost(
                guild_id=GUILD,
                local_date=day,
                auto=True,
                title="t",
                brief="b",
                skill="mixing",
                difficulty="easy",
                channel_id=CHANNEL,
                message_id=1,
                claimed_at=NOW,
                deadline_at=NOW,
                results_claimed_at=NOW,
            )
            session.add(post)
            posts.append(post)
        await session.flush()
        entries = [(7, post) for post in posts] + [(8, posts[2])]
        for user, post in entries:
            session.add(
                ChallengeSubmission(guild_id=GUILD, post_id=post.id, user_id=user, submitted_at=NOW)
            )
    counts = {
        c.label: c.value for c in await CommunityStats(app.database, app.clock).streaks(GUILD)
    }
    assert counts["3"] == 1 and counts["1"] == 1 and sum(counts.values()) == 2
