"""The drills: for each kind, its levels (easiest first) and how a question is built.

A level says what it asks and the least difference its clips measurably hold (``threshold``
in ``unit``): the acceptance test renders every level and checks that with its own analysis.
"""

import random

import numpy as np

from bot.services.quiz.ear import music
from bot.services.quiz.ear import signals as s
from bot.services.quiz.ear.drill import FIRST_SECOND, Drill, Kind, Level
from bot.services.quiz.ear.signals import Samples


def _which(second: bool) -> str:
    return FIRST_SECOND[second].removeprefix("The ").lower()


def _pair(first: Samples, second: Samples, swap: bool) -> list[Samples]:
    """The two clips, ``second`` played first if ``swap``; both faded, made stereo."""
    ordered = (second, first) if swap else (first, second)
    return [s.faded(clip if clip.ndim == 2 else s.stereo(clip)) for clip in ordered]


# -- EQ ----------------------------------------------------------------------------------------

OCTAVES = (31.5, 63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000)
THIRDS = tuple(1000 * 2 ** (k / 3) for k in range(-10, 11))
"""Third-octave centres from 100 Hz to 10 kHz."""
THIRD_NAMES = (
    "100 Hz",
    "125 Hz",
    "160 Hz",
    "200 Hz",
    "250 Hz",
    "315 Hz",
    "400 Hz",
    "500 Hz",
    "630 Hz",
    "800 Hz",
    "1 kHz",
    "1.25 kHz",
    "1.6 kHz",
    "2 kHz",
    "2.5 kHz",
    "3.15 kHz",
    "4 kHz",
    "5 kHz",
    "6.3 kHz",
    "8 kHz",
    "10 kHz",
)
OCTAVE_Q, THIRD_Q = 1.41, 4.32
EQ_CLIP = 1.6
EQ = (  # (band width, gain in dB, boost or cut, two bands at once)
    ("octave", 12, False, False),
    ("octave", 9, False, False),
    ("octave", 9, True, False),
    ("octave", 6, True, False),
    ("octave", 6, False, True),
    ("third", 6, True, False),
)
EQ_LEVELS = (
    Level("one octave band boosted 12 dB", 6.0, "dB band change"),
    Level("one octave band boosted 9 dB", 4.5, "dB band change"),
    Level("one octave band boosted or cut 9 dB", 4.5, "dB band change"),
    Level("one octave band boosted or cut 6 dB", 3.0, "dB band change"),
    Level("two octave bands boosted 6 dB", 3.0, "dB band change"),
    Level("one third-octave band boosted or cut 6 dB", 2.5, "dB band change"),
)


def octave_name(centre: float) -> str:
    return f"{centre / 1000:g} kHz" if centre >= 1000 else f"{int(centre)} Hz"


def character(centre: float) -> str:
    """What a band holds, in words a producer uses."""
    for top, words in (
        (60, "the sub range, felt as much as heard: the weight of kick and bass"),
        (160, "the bass body: fullness of kick and bass, boom when overdone"),
        (400, "the low mids: warmth, or mud when there is too much"),
        (1000, "the midrange: boxy or hollow tones"),
        (2500, "the upper mids: honk and nasal tone, the attack of many instruments"),
        (6000, "presence: bite and clarity, harshness when overdone"),
        (10000, "the highs: sibilance and cymbal sizzle"),
    ):
        if centre < top:
            return words
    return "the top octave: air and sparkle"


def _eq(level: int, rng: random.Random) -> Drill:
    width, gain, may_cut, two = EQ[level - 1]
    cut = may_cut and rng.random() < 0.5
    verb = "cut" if cut else "boosted"
    if width == "third":
        index = rng.randrange(2, len(THIRDS) - 2)
        near = [i for i in range(index - 5, index + 6) if 0 <= i < len(THIRDS)]
        others = rng.sample([i for i in near if abs(i - index) >= 2], 3)
        options = sorted([index, *others])
        bells = [(THIRDS[index], -gain if cut else gain, THIRD_Q)]
        prompt = f"The second clip is the first with one third-octave band {verb} by {gain} dB."
        choices = [THIRD_NAMES[i] for i in options]
        answer, centres = options.index(index), {THIRD_NAMES[index]: THIRDS[index]}
    elif two:
        first = rng.randrange(len(OCTAVES) - 2)
        picked = (first, rng.randrange(first + 2, len(OCTAVES)))
        allowed = [i for i in range(len(OCTAVES)) if all(abs(i - p) != 1 for p in picked)]
        pairs = [(a, b) for a in allowed for b in allowed if b >= a + 2 and (a, b) != picked]
        offered = sorted([picked, *rng.sample(pairs, 3)])
        bells = [(OCTAVES[index], gain, OCTAVE_Q) for index in picked]
        prompt = f"The second clip is the first with two octave bands boosted by {gain} dB each."
        choices = [f"{octave_name(OCTAVES[a])} and {octave_name(OCTAVES[b])}" for a, b in offered]
        answer, centres = (
            offered.index(picked),
            {octave_name(OCTAVES[i]): OCTAVES[i] for i in picked},
        )
    else:
        index = rng.randrange(len(OCTAVES))
        options = sorted([index, *rng.sample([i for i in range(len(OCTAVES)) if i != index], 3)])
        bells = [(OCTAVES[index], -gain if cut else gain, OCTAVE_Q)]
        prompt = f"The second clip is the first with one octave band {verb} by {gain} dB."
        choices = [octave_name(OCTAVES[i]) for i in options]
        answer, centres = options.index(index), {octave_name(OCTAVES[index]): OCTAVES[index]}
    names = " and ".join(centres)
    why = f"{names} {'were' if two else 'was'} {verb} by {gain} dB. " + " ".join(
        f"Around {name} lies {character(centre)}." for name, centre in centres.items()
    )
    if cut:
        why += " A cut is harder to hear than a boost: listen for what goes missing."
    prompt += f" Which {'two' if two else 'band'}?"

    def audio(noise: np.random.Generator) -> list[Samples]:
        reference = processed = s.pink_noise(noise, EQ_CLIP)
        for centre, boost, q in bells:
            processed = s.bell(processed, centre, boost, q)
        return _pair(reference, processed, False)

    return Drill(prompt, choices, answer, why, audio)


# -- level, compression, saturation ------------------------------------------------------------

MIX_CLIP = 1.8
LEVEL_DB = (6.0, 4.0, 3.0, 2.0, 1.5, 1.0)
LEVEL_LEVELS = tuple(Level(f"{d:g} dB louder", d - 0.05, "dB RMS") for d in LEVEL_DB)


def _level(level: int, rng: random.Random) -> Drill:
    step, second = LEVEL_DB[level - 1], rng.random() < 0.5
    why = (
        f"The {_which(second)} was {step:g} dB louder. Around 1 dB is the smallest change most "
        "people notice on music, and louder tends to sound better: match levels before you judge."
    )

    def audio(noise: np.random.Generator) -> list[Samples]:
        mix = s.little_mix(noise, MIX_CLIP)
        return _pair(mix, mix * s.db(step), not second)

    prompt = f"The same loop twice, {step:g} dB apart. Which clip is louder?"
    return Drill(prompt, FIRST_SECOND, int(second), why, audio)


COMPRESSION = (  # (ratio, fast attack, slow attack or None to ask which one is compressed)
    (8.0, 0.0002, None),
    (8.0, 0.0002, 0.03),
    (4.0, 0.0002, None),
    (3.0, 0.0005, 0.005),
    (2.5, 0.0002, None),
    (1.8, 0.0002, None),
)
COMPRESSION_LEVELS = (
    Level("which is compressed, 8:1", 1.8, "dB less short-term crest factor"),
    Level("slower attack at 8:1, 30 ms against 0.2 ms", 5.0, "dB more short-term crest factor"),
    Level("which is compressed, 4:1", 1.4, "dB less short-term crest factor"),
    Level("slower attack at 3:1, 5 ms against 0.5 ms", 3.5, "dB more short-term crest factor"),
    Level("which is compressed, 2.5:1", 1.0, "dB less short-term crest factor"),
    Level("which is compressed, 1.8:1", 0.6, "dB less short-term crest factor"),
)


def _squeezed(loop: Samples, ratio: float, attack: float) -> Samples:
    out = s.compress(loop, ratio, attack)
    return out * s.rms(loop) / s.rms(out)


def _compression(level: int, rng: random.Random) -> Drill:
    ratio, fast, slow = COMPRESSION[level - 1]
    second = rng.random() < 0.5
    if slow is None:
        why = (
            f"The {_which(second)} went through a compressor at {ratio:g}:1 with a fast attack: "
            "its loud and soft hits sit closer together and lose some of their snap."
        )
        prompt = "Both clips play at the same average level. Which one was compressed?"
    else:
        why = (
            f"The {_which(second)} had a {slow * 1000:g} ms attack, so the start of every hit "
            f"got through before the compressor closed in: it sounds punchier. The "
            f"{fast * 1000:g} ms attack of the other caught the transients and sounds flatter."
        )
        prompt = (
            f"Both clips went through a compressor at {ratio:g}:1. Which had the slower attack?"
        )

    def audio(noise: np.random.Generator) -> list[Samples]:
        loop = s.drum_loop(noise, MIX_CLIP)
        plain = loop if slow is None else _squeezed(loop, ratio, slow)
        return _pair(_squeezed(loop, ratio, fast), plain, second == (slow is None))

    return Drill(prompt, FIRST_SECOND, int(second), why, audio)


DRIVE = (6.0, 4.0, 3.0, 2.2, 1.7, 1.4)
SATURATION_LEVELS = tuple(
    Level(f"which is saturated, driven {drive:g} times", floor, "dB distortion")
    for drive, floor in zip(DRIVE, (-12.0, -15.0, -18.0, -21.0, -24.0, -27.0), strict=True)
)


def _saturation(level: int, rng: random.Random) -> Drill:
    drive, second = DRIVE[level - 1], rng.random() < 0.5
    why = (
        f"The {_which(second)} was driven {drive:g} times into soft clipping: its peaks are "
        "rounded off and the added harmonics make it denser and a little brighter."
    )

    def audio(noise: np.random.Generator) -> list[Samples]:
        mix = s.little_mix(noise, MIX_CLIP)
        return _pair(mix, s.saturate(mix, drive), not second)

    prompt = "Both clips play at the same average level. Which one was saturated?"
    return Drill(prompt, FIRST_SECOND, int(second), why, audio)


# -- space: reverb, delay, stereo --------------------------------------------------------------

ROOM_CLIP = 2.4
REVERB = (  # (what changes, the shorter, the longer, in seconds)
    ("decay", 0.4, 2.0),
    ("predelay", 0.0, 0.12),
    ("decay", 0.6, 1.3),
    ("predelay", 0.01, 0.06),
    ("decay", 0.8, 1.2),
    ("predelay", 0.015, 0.04),
)
REVERB_LEVELS = (
    Level("longer decay, 0.4 s against 2 s", 3.0, "times longer decay"),
    Level("longer pre-delay, 0 against 120 ms", 70.0, "ms later tail"),
    Level("longer decay, 0.6 s against 1.3 s", 1.6, "times longer decay"),
    Level("longer pre-delay, 10 against 60 ms", 30.0, "ms later tail"),
    Level("longer decay, 0.8 s against 1.2 s", 1.2, "times longer decay"),
    Level("longer pre-delay, 15 against 40 ms", 12.0, "ms later tail"),
)
REVERB_DECAY, REVERB_PREDELAY = 1.2, 0.01
"""The decay of the pre-delay drills, and the pre-delay of the decay drills."""


def _reverb(level: int, rng: random.Random) -> Drill:
    what, short, long = REVERB[level - 1]
    second = rng.random() < 0.5
    if what == "decay":
        prompt = "The same hit in two rooms. Which one has the longer reverb decay?"
        why = (
            f"The {_which(second)} takes about {long:g} s to die away (RT60), the other "
            f"{short:g} s. Long decays suit slow, sparse parts; short ones keep a busy mix clear."
        )
    else:
        prompt = "The same hit in the same room. Which clip has the longer pre-delay?"
        why = (
            f"The {_which(second)} had {long * 1000:g} ms of pre-delay, the other "
            f"{short * 1000:g} ms. Pre-delay is the gap before the reverb starts: it keeps the "
            "dry sound clear in front of the room."
        )

    def audio(noise: np.random.Generator) -> list[Samples]:
        dry = np.zeros(s.count(ROOM_CLIP))
        s.place(dry, s.clap(noise), 0.05)
        rooms = [
            s.reverb(dry, noise, value, REVERB_PREDELAY)
            if what == "decay"
            else s.reverb(dry, noise, REVERB_DECAY, value)
            for value in (short, long)
        ]
        return _pair(rooms[0], rooms[1], not second)

    return Drill(prompt, FIRST_SECOND, int(second), why, audio)


ECHO_CLIP = 1.8
DELAY_RATIO = (3.0, 2.0, 1.6, 1.4, 1.25, 1.15)
DELAY_LEVELS = tuple(
    Level(f"longer delay, {ratio:g} times the other", 1 + (ratio - 1) * 0.9, "times longer")
    for ratio in DELAY_RATIO
)


def _delay(level: int, rng: random.Random) -> Drill:
    ratio, second = DELAY_RATIO[level - 1], rng.random() < 0.5
    short = rng.randrange(90, 151) / 1000
    long = round(short * ratio, 3)
    why = (
        f"The {_which(second)} repeats every {long * 1000:g} ms, the other every "
        f"{short * 1000:g} ms. Delays under about 100 ms thicken a sound; longer ones are heard "
        "as separate echoes, often set to the song's tempo."
    )

    def audio(noise: np.random.Generator) -> list[Samples]:
        hit = np.zeros(s.count(ECHO_CLIP))
        s.place(hit, s.snare(noise, 0.12), 0.05)
        return _pair(s.echo(hit, short), s.echo(hit, long), not second)

    prompt = "The same hit through two delays. Which clip has the longer delay time?"
    return Drill(prompt, FIRST_SECOND, int(second), why, audio)


STEREO = (("pan", 1.0), ("width", 0.0), ("pan", 0.5), ("width", 0.5), ("pan", 0.25), ("width", 0.7))
STEREO_LEVELS = (
    Level("pan, 100 % to one side", 15.0, "dB between the sides"),
    Level("wider: mono against full width", 0.3, "less correlation"),
    Level("pan, 50 % to one side", 6.0, "dB between the sides"),
    Level("wider: half against full width", 0.15, "less correlation"),
    Level("pan, 25 % to one side", 3.0, "dB between the sides"),
    Level("wider: 70 % against full width", 0.06, "less correlation"),
)


def _stereo(level: int, rng: random.Random) -> Drill:
    what, amount = STEREO[level - 1]
    second = rng.random() < 0.5
    if what == "pan":
        side = ["left", "right"][second]
        why = (
            f"It was panned {amount * 100:g} % to the {side}. Headphones make small pans easier "
            "to hear; on speakers, sit where you and they make a triangle."
        )

        def panned(noise: np.random.Generator) -> list[Samples]:
            mono = s.little_mix(noise, MIX_CLIP).mean(axis=1)
            return _pair(s.pan(mono, 0), s.pan(mono, amount if second else -amount), False)

        prompt = "The first clip is in the centre. Is the second panned left or right?"
        return Drill(prompt, ["Left", "Right"], int(second), why, panned)
    why = (
        f"The {_which(second)} kept all of its side signal, the other {amount * 100:g} % "
        "(0 % is mono). Width comes from the differences between left and right: check a mix in "
        "mono as well."
    )

    def widened(noise: np.random.Generator) -> list[Samples]:
        mix = s.little_mix(noise, MIX_CLIP)
        return _pair(s.widen(mix, amount), mix, not second)

    return Drill(
        "The same loop twice. Which clip sounds wider?", FIRST_SECOND, int(second), why, widened
    )


KINDS: dict[str, Kind] = {
    "eq": Kind("EQ band", "pink noise", EQ_LEVELS, _eq),
    "level": Kind("Level difference", "a little mix", LEVEL_LEVELS, _level),
    "compression": Kind("Compression", "a drum loop", COMPRESSION_LEVELS, _compression),
    "reverb": Kind("Reverb", "a hit in a room", REVERB_LEVELS, _reverb),
    "stereo": Kind("Stereo width and pan", "a little mix", STEREO_LEVELS, _stereo),
    "delay": Kind("Delay time", "a snare hit", DELAY_LEVELS, _delay),
    "saturation": Kind("Saturation", "a little mix", SATURATION_LEVELS, _saturation),
    "interval": Kind("Intervals", "tones", music.INTERVAL_LEVELS, music.interval),
    "chord": Kind("Chord quality", "tones", music.CHORD_LEVELS, music.chord),
}
