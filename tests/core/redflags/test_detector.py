"""The free-text red-flag detector: what a user types must raise the alarm, gym talk must not.

Clinical policy (free text beats buttons): a red-flag symptom typed at any point interrupts
the flow; said with doubt it still gets a confirming question (certain=False); negated it is
dropped; ordinary gym talk that merely shares a word never triggers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import ContentError
from bot.core.redflags.detector import NEVER_CLEARED, RedFlagDetector, RedFlagHit
from bot.core.redflags.phrases import (
    CONTROL_KEYS,
    RED_FLAG_FINDINGS,
    WORD_CLASSES,
    WORD_LISTS,
    parse_expansion,
    parse_spelling,
    parse_word,
)
from bot.core.redflags.words import Lexicon, Tokens, spell_out_neither_verbs, tokenise
from tests.core.redflags import corpus

CONTENT = Path(__file__).parents[3] / "content"
LOCALES = ("en", "ru")

# (message, finding that must be among the hits, expected certainty)
EN_POSITIVE: list[tuple[str, str, bool]] = [
    ("I can't feel my groin", "saddle_numbness", True),
    ("numb down there", "saddle_numbness", True),
    ("my bum has gone numb since this morning", "saddle_numbness", True),
    ("tingling around my back passage", "saddle_numbness", True),
    ("Numbness in my PRIVATES", "saddle_numbness", True),
    ("numbnes in my groin", "saddle_numbness", True),
    ("my inner thighs feel numbed", "saddle_numbness", True),
    ("when I wipe, the toilet paper feels different", "saddle_numbness", True),
    ("no fever, but I can't feel my groin", "saddle_numbness", True),
    ("not sure if it's numb down there", "saddle_numbness", False),
    ("maybe a bit numb around my balls?", "saddle_numbness", False),
    ("kinda numb in my crotch", "saddle_numbness", False),
    ("I wet myself", "bladder_or_bowel_dysfunction", True),
    ("can't pee", "bladder_or_bowel_dysfunction", True),
    ("CAN’T PEE!!!", "bladder_or_bowel_dysfunction", True),
    ("I haven't peed since yesterday", "bladder_or_bowel_dysfunction", True),
    ("leaking urine when I stand up", "bladder_or_bowel_dysfunction", True),
    ("I think I lost control of my bowels", "bladder_or_bowel_dysfunction", False),
    ("I can't get an erection since the injury", "sexual_dysfunction_new", True),
    ("pins and needles in both legs", "bilateral_leg_symptoms", True),
    ("both legs tingling", "bilateral_leg_symptoms", True),
    ("sciatica on both sides now", "bilateral_leg_symptoms", True),
    ("my left leg keeps giving way", "leg_weakness_progressive", True),
    ("my leg is getting weaker every day", "leg_weakness_progressive", True),
    ("foot drop on the right", "foot_drop", True),
    ("my toes catch on the floor when I walk", "foot_drop", True),
    ("I can't walk", "cannot_walk_or_care_for_self", True),
    ("can't get out of bed even after resting", "cannot_walk_or_care_for_self", True),
    ("can't walk after leg day lol", "cannot_walk_or_care_for_self", False),
    ("my pee is dark like cola", "dark_urine_after_exercise", True),
    ("urine is brown after yesterday's session", "dark_urine_after_exercise", True),
    ("fell off a ladder", "major_trauma", True),
    ("got hit by a car on my bike", "major_trauma", True),
    ("the barbell landed on my back", "major_trauma", True),
    ("chest pain", "chest_or_abdominal_pain", True),
    ("really bad stomach pain with the back ache", "chest_or_abdominal_pain", True),
    ("I feel faint", "faint_dizzy_or_clammy", True),
    ("cold sweats and I almost passed out", "faint_dizzy_or_clammy", True),
    ("I feel confused and can't think straight", "confused_or_drowsy", True),
    ("I can't move my legs", "sudden_leg_paralysis", True),
    ("I can't feel my legs", "sudden_leg_paralysis", True),
    ("no I can't feel my legs", "sudden_leg_paralysis", True),
    ("I can't feel my legs after leg day lol", "sudden_leg_paralysis", False),
    ("I've had a fever since Tuesday", "fever_or_chills", True),
    ("feverish and shivering", "fever_or_chills", True),
    ("temp is 38.6", "fever_or_chills", True),
    ("I'm not sure, I might have a fever", "fever_or_chills", False),
    ("I had cancer five years ago", "history_of_cancer", True),
    ("lost 6 kg without trying", "unexplained_weight_loss", True),
    ("I'm on prednisolone for my asthma", "immunosuppression_or_iv_drug_use", True),
    ("I used to inject heroin", "immunosuppression_or_iv_drug_use", True),
    ("the pain wakes me up at night", "night_pain_not_eased_by_rest", True),
    ("it hurts all the time, no position helps", "constant_pain_unrelieved_by_any_position", True),
    ("blood in my pee", "flank_pain_or_blood_in_urine", True),
    ("pain in my kidney area", "flank_pain_or_blood_in_urine", True),
    ("I have osteoporosis and slipped in the shower", "minor_trauma_with_osteoporosis_risk", True),
    ("my right foot feels weak", "leg_weakness_one_side", True),
    ("I can't stand on my toes on the left", "leg_weakness_one_side", True),
    ("there's a new lump on my spine", "back_deformity_or_lump", True),
    ("it hurts when I sneeze", "pain_worse_on_cough_or_sneeze", True),
    ("coughing makes the pain shoot down my leg", "pain_worse_on_cough_or_sneeze", True),
    ("у меня numb down there", "saddle_numbness", True),
    ("I can't pee и пах онемел", "bladder_or_bowel_dysfunction", True),
    ("I can't pee и пах онемел", "saddle_numbness", True),
    # added after a first held-out measurement (see the report in the PR)
    ("since yesterday I can't really feel when I wipe", "saddle_numbness", True),
    ("my butt cheeks feel numb and tingly", "saddle_numbness", True),
    ("it's like my privates are asleep", "saddle_numbness", False),
    ("I peed myself a bit when I stood up", "bladder_or_bowel_dysfunction", True),
    ("I need to pee but nothing comes out", "bladder_or_bowel_dysfunction", True),
    ("lost bladder control this morning", "bladder_or_bowel_dysfunction", True),
    ("haven't been able to go to the toilet all day", "bladder_or_bowel_dysfunction", True),
    ("my penis feels numb", "saddle_numbness", True),
    ("both my legs have gone numb", "bilateral_leg_symptoms", True),
    ("shooting pain down both legs", "bilateral_leg_symptoms", True),
    ("my foot slaps when I walk", "foot_drop", True),
    ("I can't lift my toes", "foot_drop", True),
    ("I literally cannot stand up", "cannot_walk_or_care_for_self", True),
    ("my urine is the colour of coke", "dark_urine_after_exercise", True),
    ("I crashed my motorbike yesterday", "major_trauma", True),
    ("a plate fell on my back", "major_trauma", True),
    ("tight chest and pain in my back", "chest_or_abdominal_pain", True),
    ("I passed out in the shower", "faint_dizzy_or_clammy", True),
    ("my legs won't move", "sudden_leg_paralysis", True),
    ("I'm running a temperature", "fever_or_chills", True),
    ("I had leukaemia as a kid", "history_of_cancer", True),
    ("I've been losing weight and I don't know why", "unexplained_weight_loss", True),
    ("I'm HIV positive", "immunosuppression_or_iv_drug_use", True),
    ("nothing helps, it's constant pain", "constant_pain_unrelieved_by_any_position", True),
    ("pain in my side under the ribs, comes in waves", "flank_pain_or_blood_in_urine", True),
    ("my spine looks crooked now", "back_deformity_or_lump", True),
    ("sneezing is agony", "pain_worse_on_cough_or_sneeze", True),
    ("maybe I wet myself, not sure", "bladder_or_bowel_dysfunction", False),
    # added after a second held-out measurement
    ("I've been peeing myself since yesterday", "bladder_or_bowel_dysfunction", True),
    ("I don't get the urge to pee anymore", "bladder_or_bowel_dysfunction", True),
    ("my erections have stopped since the back injury", "sexual_dysfunction_new", True),
    ("can't feel anything around my anus", "saddle_numbness", True),
    ("I can't feel my bum", "saddle_numbness", True),
    ("I can't feel my glutes when I squat", "saddle_numbness", False),
    ("my glutes are numb", "saddle_numbness", True),
]

EN_NEGATIVE: list[str] = [
    "no numbness",
    "not numb down there",
    "without numbness in my groin",
    "I don't have fever",
    "no fever and no chills",
    "no fever and chills",
    "fever: none",
    "I have no numbness or tingling in my groin",
    "my groin isn't numb",
    "never had cancer",
    "no blood in my urine",
    "I never get chest pain",
    "I'm not dizzy",
    "no tingling in my legs",
    "it doesn't hurt at night",
    "the pain isn't constant",
    "I don't have any kidney pain",
    "I was never paralysed",
    "I never feel faint",
    "no chest pain, no shortness of breath",
    "my legs are tired after squats",
    "legs are dead after leg day",
    "the chest press was hard",
    "I did chest day and my back pain started",
    "I fell asleep on the couch",
    "pee break",
    "I took a pee break between sets",
    "my back is sore",
    "my lower back aches after deadlifts",
    "hamstrings are tight and my glutes are sore",
    "I can't stand the pain when I bend over",
    "I lost 3 kg on my cut",
    "I'm sweating a lot during cardio",
    "my heart rate was high during sprints",
    "I'm confused about which stretches to do",
    "the temperature in the gym was high",
    "cancelled my session, back is stiff",
    "I'll just chill at home today",
    "the numbers on my squat went down",
    "I did fewer reps today",
    "I was scared of needles as a kid",
    "felt a pop in my back during deadlifts",
    "wall sits hurt my back",
    "my dad had cancer",
    "I never had this before",
    "my feet are fine, it's just my back",
    # added after a first held-out measurement
    "my quads are destroyed after squats",
    "the pain is dull and gets better when I rest",
    "I didn't fall, it started during a deadlift",
    "no bladder problems at all",
    "I can walk fine",
    "my pee looks normal",
    "there's no numbness anywhere",
    "my chest feels great after bench",
    "I don't have a temperature",
    "my glutes are burning after hip thrusts",
    "I almost dropped the bar",
    "my lower back is sore on both sides",
    "no fever, no chills, no weight loss",
    "no trouble peeing",
    "I can feel everything normally",
    "my legs feel heavy after running",
    "I can't decide whether to walk or rest today",
    "I can't wait to walk again without pain",
]

# Soreness the exercise explains: one confirming question (certain=False), never an alarm.
EN_POSITIVE += [("my abs hurt from crunches", "chest_or_abdominal_pain", False)]

RU_POSITIVE: list[tuple[str, str, bool]] = [
    ("не чувствую ног", "sudden_leg_paralysis", True),
    ("ноги отнялись", "sudden_leg_paralysis", True),
    ("не чувствую ног после приседа", "sudden_leg_paralysis", False),
    ("пах онемел", "saddle_numbness", True),
    ("ПАХ ОНЕМЕЛ!!!", "saddle_numbness", True),
    ("онемела промежность", "saddle_numbness", True),
    ("онемение в паху", "saddle_numbness", True),
    ("немеют ягодицы", "saddle_numbness", True),
    ("у меня онемениe в паху", "saddle_numbness", True),  # Latin "e" at the end
    ("онимение в паху", "saddle_numbness", True),  # typo
    ("покалывает в промежности", "saddle_numbness", True),
    ("кажется, немеет пах", "saddle_numbness", False),
    ("не уверен, немеет ли в паху", "saddle_numbness", False),
    ("вроде покалывает в промежности", "saddle_numbness", False),
    ("описался", "bladder_or_bowel_dysfunction", True),
    ("Описалась ночью", "bladder_or_bowel_dysfunction", True),
    ("не могу помочиться", "bladder_or_bowel_dysfunction", True),
    ("не могу пописать с утра", "bladder_or_bowel_dysfunction", True),
    ("моча не держится", "bladder_or_bowel_dysfunction", True),
    ("не чувствую, когда хочу в туалет", "bladder_or_bowel_dysfunction", True),
    ("пропала эрекция", "sexual_dysfunction_new", True),
    ("обе ноги немеют", "bilateral_leg_symptoms", True),
    ("покалывает в обеих ногах", "bilateral_leg_symptoms", True),
    ("нога подкашивается", "leg_weakness_progressive", True),
    ("левая нога слабеет с каждым днем", "leg_weakness_progressive", True),
    ("стопа шлепает при ходьбе", "foot_drop", True),
    ("не могу поднять стопу", "foot_drop", True),
    ("не могу встать с кровати", "cannot_walk_or_care_for_self", True),
    ("после ног не могу ходить лол", "cannot_walk_or_care_for_self", False),
    ("моча как кола", "dark_urine_after_exercise", True),
    ("моча темно-коричневая после тренировки", "dark_urine_after_exercise", True),
    ("упал с лестницы", "major_trauma", True),
    ("попал в аварию на машине", "major_trauma", True),
    ("штанга упала мне на спину", "major_trauma", True),
    ("боль в груди", "chest_or_abdominal_pain", True),
    ("сильно болит живот", "chest_or_abdominal_pain", True),
    ("чуть не потерял сознание", "faint_dizzy_or_clammy", True),
    ("кружится голова и холодный пот", "faint_dizzy_or_clammy", True),
    ("путаются мысли", "confused_or_drowsy", True),
    ("температура 38.5", "fever_or_chills", True),
    ("у меня температура", "fever_or_chills", True),
    ("знобит", "fever_or_chills", True),
    ("может быть, температура", "fever_or_chills", False),
    ("у меня был рак", "history_of_cancer", True),
    ("похудел на 5 кг без причины", "unexplained_weight_loss", True),
    ("принимаю преднизолон", "immunosuppression_or_iv_drug_use", True),
    ("просыпаюсь от боли ночью", "night_pain_not_eased_by_rest", True),
    ("болит постоянно, в любом положении", "constant_pain_unrelieved_by_any_position", True),
    ("кровь в моче", "flank_pain_or_blood_in_urine", True),
    ("болит почка справа", "flank_pain_or_blood_in_urine", True),
    ("остеопороз, поскользнулся и упал", "minor_trauma_with_osteoporosis_risk", True),
    ("не могу встать на носок левой ноги", "leg_weakness_one_side", True),
    ("шишка на позвоночнике", "back_deformity_or_lump", True),
    ("отёк на пояснице", "back_deformity_or_lump", True),
    ("больно кашлять", "pain_worse_on_cough_or_sneeze", True),
    ("при чихании простреливает в ногу", "pain_worse_on_cough_or_sneeze", True),
    ("у меня chest pain", "chest_or_abdominal_pain", True),
    ("I think пах онемел", "saddle_numbness", False),
    # added after a first held-out measurement
    ("не чувствую ягодиц", "saddle_numbness", True),
    ("онемело между ног", "saddle_numbness", True),
    ("когда подтираюсь, не чувствую бумагу", "saddle_numbness", True),
    ("не могу сходить по-маленькому", "bladder_or_bowel_dysfunction", True),
    ("с утра не писал", "bladder_or_bowel_dysfunction", True),
    ("немеет член", "saddle_numbness", True),
    ("простреливает в обе ноги", "bilateral_leg_symptoms", True),
    ("стопа не поднимается", "foot_drop", True),
    ("не могу дойти до туалета", "cannot_walk_or_care_for_self", True),
    ("моча темная как чай", "dark_urine_after_exercise", True),
    ("разбился на мотоцикле", "major_trauma", True),
    ("мне на спину упала гантель", "major_trauma", True),
    ("давит в груди", "chest_or_abdominal_pain", True),
    ("потерял сознание в душе", "faint_dizzy_or_clammy", True),
    ("заплетается язык", "confused_or_drowsy", True),
    ("не могу пошевелить ногами", "sudden_leg_paralysis", True),
    ("ноги отнялись, сил нет", "sudden_leg_paralysis", True),
    ("лихорадит", "fever_or_chills", True),
    ("лечился от лимфомы", "history_of_cancer", True),
    ("худею непонятно почему", "unexplained_weight_loss", True),
    ("у меня ВИЧ", "immunosuppression_or_iv_drug_use", True),
    ("ночью болит сильнее", "night_pain_not_eased_by_rest", True),
    ("боль не проходит ни в каком положении", "constant_pain_unrelieved_by_any_position", True),
    ("болит в боку под ребрами", "flank_pain_or_blood_in_urine", True),
    ("левая нога ослабла", "leg_weakness_one_side", True),
    ("на пояснице появилась шишка", "back_deformity_or_lump", True),
    ("кажется, я описался", "bladder_or_bowel_dysfunction", False),
    # added after a second held-out measurement
    ("начал подтекать мочевой пузырь", "bladder_or_bowel_dysfunction", True),
    ("перестала стоять эрекция", "sexual_dysfunction_new", True),
    ("не чувствую ягодицы при приседе", "saddle_numbness", False),
    ("онемели ягодицы", "saddle_numbness", True),
]

RU_POSITIVE += [
    ("грудные болят после жима", "chest_or_abdominal_pain", False),
    ("пресс болит после скручиваний", "chest_or_abdominal_pain", False),
]

RU_NEGATIVE: list[str] = [
    "не немеет",
    "нет онемения",
    "без температуры",
    "онемения в паху нет",
    "температуры нет и озноба нет",
    "пах не онемел",
    "в паху ничего не немеет",
    "никакого онемения в промежности",
    "крови в моче нет",
    "не было температуры",
    "рака не было",
    "ноги не немеют",
    "в ногах нет покалывания",
    "обморока не было",
    "головокружения нет",
    "грудь не болит",
    "живот не болит",
    "почки не болят",
    "ночью не болит",
    "кашлять не больно",
    "температура нормальная",
    "я не похудел",
    "болят мышцы после становой",
    "ноги забились после приседа",
    "спина болит после тренировки",
    "поясница ноет после тяги",
    "ягодицы болят после выпадов",
    "жим груди дался тяжело",
    "хочу в туалет",
    "сходил в туалет, все нормально",
    "описал тренеру свои симптомы",
    "я описала тренировку",
    "ноги гудят после бега",
    "упал рабочий вес в приседе",
    "в метро упал телефон",
    "прибавил вес на штангу",
    "позвонил тренеру насчет спины",
    "порой немеет нога",
    "оказывается, ноги просто забились",
    "стопа нормально поднимается",
    "могу ходить, но больно",
    "не падал, просто потянул спину",
    "кашель прошел",
    "эрекция в порядке",
    "две недели болят ноги после бега",
    # added after a first held-out measurement
    "онемения нет, только тянет",
    "моча обычного цвета",
    "температура не поднималась",
    "температуры и озноба нет",
    "не падал и не ударялся",
    "слабости в ногах нет",
    "чувствительность нормальная",
    "в паху тянет после растяжки",
    "ноет с обеих сторон поясницы",
    "кашля нет",
    "сбросил 3 кг на сушке",
    "ходить могу, но медленно",
    "голова не кружится",
    "ничего не немеет",
    # added after a second held-out measurement
    "рака никогда не было",
    "температуры не было ни разу",
    "не могу решить, идти ли на тренировку",
    "чихнул утром, боль та же",
]


@pytest.fixture(scope="module")
def redflags() -> RedFlagDetector:
    return RedFlagDetector.load(CONTENT, LOCALES)


def _hits(detector: RedFlagDetector, text: str) -> dict[str, bool]:
    hits = detector.detect(text)
    assert len({h.finding for h in hits}) == len(hits), f"duplicate findings for {text!r}"
    return {h.finding: h.certain for h in hits}


@pytest.mark.parametrize(("text", "finding", "certain"), EN_POSITIVE + RU_POSITIVE)
def test_red_flag_in_free_text_is_detected(
    redflags: RedFlagDetector, text: str, finding: str, certain: bool
) -> None:
    hits = _hits(redflags, text)
    assert finding in hits, f"{text!r} -> {hits}"
    assert hits[finding] is certain, f"{text!r}: certain should be {certain}"


@pytest.mark.parametrize("text", EN_NEGATIVE + RU_NEGATIVE)
def test_negated_symptoms_and_gym_talk_do_not_trigger(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}


def test_every_supported_finding_has_positive_cases_in_both_languages() -> None:
    for language, cases in (("en", EN_POSITIVE), ("ru", RU_POSITIVE)):
        labelled = {
            p.finding for part in corpus.parts(language) for p in corpus.load(language, part)
        }
        covered = {finding for _, finding, _ in cases} | labelled
        assert covered - {corpus.BENIGN} == set(RED_FLAG_FINDINGS), language


def test_there_are_at_least_forty_cases_of_each_kind_per_language() -> None:
    assert min(len(EN_POSITIVE), len(RU_POSITIVE), len(EN_NEGATIVE), len(RU_NEGATIVE)) >= 40


def test_cant_feel_legs_is_the_ambulance_finding_and_both_legs(redflags: RedFlagDetector) -> None:
    for text in ("не чувствую ног", "I can't feel my legs"):
        assert _hits(redflags, text) == {
            "sudden_leg_paralysis": True,
            "bilateral_leg_symptoms": True,
        }


def test_a_symptom_late_in_a_long_message_is_found(redflags: RedFlagDetector) -> None:
    long = "my back hurts and my legs are numb after squats. " * 100 + "Also my groin is numb."
    assert _hits(redflags, long).get("saddle_numbness") is True


def test_a_message_with_several_red_flags_gets_each_once(redflags: RedFlagDetector) -> None:
    hits = _hits(redflags, "I can't pee, my groin is numb and I can't pee at all, no fever")
    assert hits == {"bladder_or_bowel_dysfunction": True, "saddle_numbness": True}


@pytest.mark.parametrize(
    "text",
    [
        "I fell off a box and can't move",
        "slipped in the shower and now I can't get up",
        "упал со скамьи и не могу встать",
        "поскользнулся, упал, лежу и не могу подняться",
        "upal s lestnicy i ne mogu vstat",
    ],
)
def test_a_fall_and_not_being_able_to_move_is_major_trauma(
    redflags: RedFlagDetector, text: str
) -> None:
    """However low the fall: a possible spinal injury, call the number and do not move."""
    assert _hits(redflags, text).get("major_trauma") is True


def test_a_fall_and_doubtful_immobility_is_asked(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "I slipped, maybe I can't get up?").get("major_trauma") is False


@pytest.mark.parametrize(
    ("text", "certain"),
    [
        ("help!!!", True),
        ("HELP ME PLEASE", True),
        ("помогите", True),
        ("pomogite", True),
        ("help, which protein is best?", None),  # "help" asking which/what/how is advice
        ("помогите, какой протеин лучше?", None),
        ("help, is this normal?", False),  # a plea inside other talk: asked, not certain
        ("help! my deadlift is stuck", None),
        ("SOS my squat form is terrible", None),  # the exercise named explains it
        ("I watched a show about paramedics", None),
    ],
)
def test_a_plea_alone_is_certain_and_inside_other_talk_is_not(
    redflags: RedFlagDetector, text: str, certain: bool | None
) -> None:
    assert _hits(redflags, text).get("asks_for_emergency_help") is certain


@pytest.mark.parametrize(
    "text",
    ["I'm not dizzy or faint", "no numbness or tingling", "штанга упала на пол, не на меня"],
)
def test_a_negation_covers_a_list_of_symptoms(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}


@pytest.mark.parametrize(
    ("text", "findings"),
    [
        ("Температуры нет, озноба тоже, просто поясница ноет", set()),
        ("Нет температуры, озноба тоже", set()),
        ("temperatury ne bylo, oznoba tozhe", set()),
        ("fever: none, chills neither", set()),
        ("у меня температура, озноба тоже", {"fever_or_chills"}),  # nothing to repeat
        ("не могу пописать, покакать тоже", {"bladder_or_bowel_dysfunction"}),  # the match's не
        ("температуры нет, а озноб тоже есть", {"fever_or_chills"}),  # "тоже" closes nothing
    ],
)
def test_an_echo_word_repeats_the_denial_of_the_phrase_before(
    redflags: RedFlagDetector, text: str, findings: set[str]
) -> None:
    assert set(_hits(redflags, text)) == findings


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("zero feeling in my butt cheeks", "saddle_numbness"),
        ("without any feeling around my crotch", "saddle_numbness"),
        ("без чувствительности в промежности", "saddle_numbness"),
        ("ноль чувствительности в паху", "saddle_numbness"),
        ("zero movement in my legs", "sudden_leg_paralysis"),
    ],
)
def test_negation_words_that_are_the_symptom_are_not_denials(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text)


def test_the_named_exercise_explains_a_racing_heart(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "heart pounding after sprints") == {}
    assert _hits(redflags, "my heart is pounding") == {"faint_dizzy_or_clammy": False}


def test_someone_elses_non_emergency_finding_is_not_the_persons(
    redflags: RedFlagDetector,
) -> None:
    assert _hits(redflags, "my daughter has a fever, so I skipped the gym") == {}
    assert _hits(redflags, "grandpa has prostate cancer") == {}
    assert _hits(redflags, "my friend collapsed") == {"faint_dizzy_or_clammy": False}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("kazhetsya ya seichas otkluchus", "faint_dizzy_or_clammy"),  # ю typed as u
        ("stopa shlepaet", "foot_drop"),  # "stopa" is also a typo of "stop"
        ("nogi podkosilis na poslednem povtore", ""),  # "na" is на: the last rep explains it
    ],
)
def test_transliterated_russian_spellings(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    hits = _hits(redflags, text)
    assert finding in hits if finding else hits == {}


def test_word_classes_expand_inside_rules(tmp_path: Path) -> None:
    text = (CONTENT / "en" / "redflags.yaml").read_text(encoding="utf-8")
    target = tmp_path / "en" / "redflags.yaml"
    target.parent.mkdir(parents=True)
    extra = '  - "wobble = wibbly|wobbly"\n'
    text = text.replace("word_classes:\n", "word_classes:\n" + extra, 1)
    text = text.replace("\nfoot_drop:\n", '\nfoot_drop:\n  - "@wobble + toes ~2"\n', 1)
    target.write_text(text, encoding="utf-8")
    detector = RedFlagDetector.load(tmp_path, ("en",))
    assert _hits(detector, "my toes are wobbly") == {"foot_drop": True}


def test_an_unknown_word_class_names_the_file_and_key(tmp_path: Path) -> None:
    target = _broken(tmp_path, "\nfoot_drop:\n", '\nfoot_drop:\n  - "@nope + toes"\n')
    with pytest.raises(ContentError, match="nope") as caught:
        RedFlagDetector.load(tmp_path, ("en",))
    assert caught.value.key == "foot_drop"
    assert caught.value.file == str(target)


def test_hits_are_frozen_value_objects(redflags: RedFlagDetector) -> None:
    hit = redflags.detect("I wet myself")[0]
    assert hit == RedFlagHit("bladder_or_bowel_dysfunction", True)
    with pytest.raises(AttributeError):
        hit.certain = False  # type: ignore[misc]


def test_only_the_loaded_locales_are_used() -> None:
    english = RedFlagDetector.load(CONTENT, ("en",))
    assert english.detect("пах онемел") == []
    assert english.detect("numb down there") == [RedFlagHit("saddle_numbness", True)]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_gives_known_findings_and_never_crashes(
    redflags: RedFlagDetector, text: str
) -> None:
    hits = redflags.detect(text)
    assert {h.finding for h in hits} <= set(RED_FLAG_FINDINGS)
    assert len({h.finding for h in hits}) == len(hits)


# --------------------------------------------------------------------------- content files


def _raw(locale: str) -> dict[str, object]:
    data = yaml.safe_load((CONTENT / locale / "redflags.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_both_locales_have_identical_keys() -> None:
    en, ru = _raw("en"), _raw("ru")
    assert en.keys() == ru.keys()
    assert set(en) == set(RED_FLAG_FINDINGS) | set(CONTROL_KEYS) | {WORD_CLASSES}


@pytest.mark.parametrize("locale", LOCALES)
def test_values_are_non_empty_strings_or_lists_of_them(locale: str) -> None:
    """A bare YAML ``no`` would load as False elsewhere: every leaf must be a real string.
    Only the plain word lists of one language's grammar (WORD_LISTS) may be empty."""
    for key, value in _raw(locale).items():
        items = value if isinstance(value, list) else [value]
        assert items or key in WORD_LISTS, f"{locale}: {key} is an empty list"
        for item in items:
            assert isinstance(item, str), f"{locale}: {key} has a non-string {item!r}"
            assert item.strip(), f"{locale}: {key} has an empty string"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (CONTENT / "en" / "redflags.yaml").read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / "en" / "redflags.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


MALFORMED = [
    ('  - "toilet paper|', '  - "toilet paper| + |', "saddle_numbness"),  # empty alternative
    ('  - "foot drop|drop foot', '  - "foot drop + + drop foot', "foot_drop"),  # empty slot
    ("clause_breaks: [", "clause_breaks: []\nx: [", "clause_breaks"),  # empty list
    ("negation_after: [", "negation_after: [[1], ", "negation_after"),  # not a string
    ('negation_links: ["and"', 'negation_links: ["and ~2"', "negation_links"),  # ~N misplaced
    ("major_trauma:", "major_traumaa:", "major_traumaa"),  # unknown key (typo)
    ("\ndoubt:", "\ndoubt_list:", "doubt_list"),  # unknown key
    ("gym_context:", 'clause_breaks: ["again"]\ngym_context:', "clause_breaks"),  # duplicate
]


@pytest.mark.parametrize(("old", "new", "key"), MALFORMED)
def test_malformed_content_names_the_file_and_key(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    target = _broken(tmp_path, old, new)
    with pytest.raises(ContentError) as caught:
        RedFlagDetector.load(tmp_path, ("en",))
    error = caught.value
    assert error.file == str(target)
    assert error.key == key
    assert str(target) in str(error) and key in str(error)


def test_missing_finding_is_reported_by_name(tmp_path: Path) -> None:
    text = (CONTENT / "en" / "redflags.yaml").read_text(encoding="utf-8")
    start = text.index("\nfoot_drop:")
    end = text.index("\ncannot_walk_or_care_for_self:")
    target = tmp_path / "en" / "redflags.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match="foot_drop") as caught:
        RedFlagDetector.load(tmp_path, ("en",))
    assert caught.value.key == "foot_drop"


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    target = _broken(tmp_path, "negation_links: [", "negation_links: [[")
    with pytest.raises(ContentError) as caught:
        RedFlagDetector.load(tmp_path, ("en",))
    assert caught.value.file == str(target)
    assert caught.value.line is not None


def test_missing_locale_file_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"redflags\.yaml"):
        RedFlagDetector.load(tmp_path, ("en",))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I slipped on the wet floor but caught myself", False),
        ("поскользнулся на плитке, но удержался", False),
        ("lost my balance on the bosu ball", False),
        ("потерял равновесие на босу", False),
        ("slipped on the wet floor and landed on my tailbone", True),
    ],
)
def test_a_slip_the_sentence_says_was_caught_is_not_a_fall(
    redflags: RedFlagDetector, text: str, found: bool
) -> None:
    assert ("minor_fall_or_jolt" in _hits(redflags, text)) is found


@pytest.mark.parametrize(
    "text",
    [
        "my chest is sore after bench press",
        "belly is sore after 100 burpees",
        "грудь болит после жима лёжа",
        "пресс ноет после подъёмов ног",
        "grud bolit posle zhima",
    ],
)
def test_soreness_the_exercise_explains_is_never_a_certain_alarm(
    redflags: RedFlagDetector, text: str
) -> None:
    assert not any(_hits(redflags, text).values())


@pytest.mark.parametrize(
    "text",
    ["ноги чуть не отказали на рекорде", "legs almost gave out on my PR"],
)
def test_legs_giving_out_on_a_max_attempt_is_training(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "woke up early and can't feel my legs",
        "I was watching a film and passed out",
        "my schedule is ruined, I passed out in the gym",
        "numb between my legs since early morning",
        "смотрел фильм и потерял сознание",
        "после еды сильная боль в животе",
    ],
)
def test_a_cleared_phrase_never_silences_an_emergency(redflags: RedFlagDetector, text: str) -> None:
    """ "Early", "a film", "after eating" explain many things away, but an emergency said
    beside them is asked about with the number, never met with silence (clinical.md 1)."""
    assert any(hit.finding in NEVER_CLEARED for hit in redflags.detect(text)), text


def test_never_cleared_is_every_emergency_finding_of_the_rules_and_swollen_muscles() -> None:
    rules = yaml.safe_load((Path(__file__).parents[3] / "flows" / "rules.yaml").read_text())
    emergency = {"emergency_ambulance", "emergency_department"}
    wanted = {f for f, r in rules["findings"].items() if r["level"] in emergency}
    symptoms = set(RED_FLAG_FINDINGS) - {"asks_for_emergency_help"}  # a plea is no symptom
    # swollen hard muscles: a clear urine beside them rules out only the dark urine
    wanted.add("muscle_swelling_after_training")
    assert wanted & symptoms == NEVER_CLEARED, "every emergency symptom text can reveal"


def test_a_clear_urine_beside_swollen_muscles_still_asks(redflags: RedFlagDetector) -> None:
    for text in (
        "quads swollen and hard after the workout, pee is clear",
        "lower back swollen and tight like a drum after yesterday's workout, pee is clear",
    ):
        assert any(h.finding == "muscle_swelling_after_training" for h in redflags.detect(text))


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("havent been able to pee since yesterday", "bladder_or_bowel_dysfunction"),
        ("i cant feel my legs", "sudden_leg_paralysis"),
        ("can't get it up since the back thing", "sexual_dysfunction_new"),
    ],
)
def test_a_contraction_matches_with_or_without_its_apostrophe(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """People drop the apostrophe ("havent", "cant"): the lists need not spell both."""
    assert finding in {hit.finding for hit in redflags.detect(text)}, text


def test_a_match_that_names_the_person_is_theirs_whoever_did_it(
    redflags: RedFlagDetector,
) -> None:
    """ "Someone dropped a plate on my back": someone did it, the injury is the person's."""
    hits = {h.finding: h.certain for h in redflags.detect("someone dropped a plate on my back")}
    assert hits.get("major_trauma") is True


@pytest.mark.parametrize(
    "text",
    ["an aneurysm was found on a scan last year", "в прошлом году на узи нашли аневризму"],
)
def test_a_known_aneurysm_found_in_the_past_still_counts(
    redflags: RedFlagDetector, text: str
) -> None:
    assert "pulsating_belly_or_known_aneurysm" in {h.finding for h in redflags.detect(text)}


@pytest.mark.parametrize(
    "text",
    [
        "I can't move my couch alone, need help from a friend",
        "не могу сам передвинуть диван, нужна помощь друга",
        "ambulance driver here, my back is sore from lifting",
    ],
)
def test_a_named_helper_or_a_job_is_not_a_plea(redflags: RedFlagDetector, text: str) -> None:
    assert not any(hit.certain for hit in redflags.detect(text)), text


@pytest.mark.parametrize(
    "text", ["my dad had to call an ambulance last week", "my friend called an ambulance for me"]
)
def test_a_call_told_as_a_story_is_asked_about_not_alarmed(
    redflags: RedFlagDetector, text: str
) -> None:
    """Someone had to call an ambulance: it may be over, or about now; a question shows the
    number without alarming."""
    hits = {h.finding: h.certain for h in redflags.detect(text)}
    assert hits.get("asks_for_emergency_help") is False, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("everything is spinning and i feel sick", "faint_dizzy_or_clammy"),
        ("всё кружится и тошнит", "faint_dizzy_or_clammy"),
        ("i have osteoporosis, back hurts after deadlifts", "minor_trauma_with_osteoporosis_risk"),
        ("у меня остеопороз, после становой болит спина", "minor_trauma_with_osteoporosis_risk"),
        ("stuck in bed, pain is 10/10", "severe_pain_unable_to_move"),
        ("лежу пластом, боль 10 из 10", "severe_pain_unable_to_move"),
        ("вес падает сам по себе", "unexplained_weight_loss"),
        ("внезапно перестал двигать ногами", "sudden_leg_paralysis"),
        ("в груди тяжело и не хватает воздуха", "chest_or_abdominal_pain"),
    ],
)
def test_kinds_of_wording_of_the_fifth_held_out_set(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Vertigo as the world spinning, fragile bones with ordinary loading, pain at the top of
    the scale, weight that falls by itself, "stopped" as not being able to, chest heaviness
    with breathlessness: each a kind of wording, in both languages where it applies."""
    assert finding in {hit.finding for hit in redflags.detect(text)}, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("whenever i need the toilet i just cant tell anymore", "bladder_or_bowel_dysfunction"),
        ("my crotch feels like cardboard", "saddle_numbness"),
        ("промежность как деревянная", "saddle_numbness"),
        ("my left calf is weaker than the other one since monday", "leg_weakness_one_side"),
    ],
)
def test_the_second_opinion_asks_about_a_paraphrase(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Two broad ideas of a finding in one clause (a toilet word and a control word), worded
    as no phrase rule says it, get a confirming question: never silence, never an alarm."""
    assert _hits(redflags, text).get(finding) is False, text


def test_a_concept_rule_is_a_question_however_it_is_said(tmp_path: Path) -> None:
    """A ``concept:`` rule never gives a certain hit, and its ideas must meet in one clause."""
    source = (CONTENT / "en" / "redflags.yaml").read_text(encoding="utf-8")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "redflags.yaml").write_text(
        source.replace("foot_drop:\n", 'foot_drop:\n  - "concept: zorp + blick"\n', 1),
        encoding="utf-8",
    )
    detector = RedFlagDetector.load(tmp_path, ("en",))
    assert _hits(detector, "zorp blick") == {"foot_drop": False}
    assert _hits(detector, "zorp, and yes, blick") == {"foot_drop": False}
    assert "foot_drop" not in _hits(detector, "zorp but blick")


def test_a_status_fact_counts_in_any_sentence_of_the_message(tmp_path: Path) -> None:
    """A ``status:`` rule's first slot is a standing fact said anywhere ("I have
    osteoporosis." ... "felt my back go"); the rest keeps its window and sentence, a fact
    said of someone else or denied is no hit, and doubt is judged on the sign alone."""
    source = (CONTENT / "en" / "redflags.yaml").read_text(encoding="utf-8")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "redflags.yaml").write_text(
        source.replace("foot_drop:\n", 'foot_drop:\n  - "status: zorp + blick + flarn ~2"\n', 1),
        encoding="utf-8",
    )
    detector = RedFlagDetector.load(tmp_path, ("en",))
    assert _hits(detector, "i have zorp. it was a long day. then blick flarn") == {
        "foot_drop": True
    }
    assert _hits(detector, "blick flarn. i have zorp") == {"foot_drop": True}
    assert _hits(detector, "zorp? blick flarn") == {"foot_drop": True}
    assert "foot_drop" not in _hits(detector, "i have zorp. blick and then much later flarn")
    assert "foot_drop" not in _hits(detector, "my mum has zorp. blick flarn")
    assert "foot_drop" not in _hits(detector, "i do not have zorp. blick flarn")
    assert "foot_drop" not in _hits(detector, "blick flarn")
    (tmp_path / "en" / "redflags.yaml").write_text(
        source.replace("foot_drop:\n", 'foot_drop:\n  - "status: zorp"\n', 1), encoding="utf-8"
    )
    with pytest.raises(ContentError, match="status"):
        RedFlagDetector.load(tmp_path, ("en",))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my back is better at night", False),
        ("спине легче лёжа, ночью болит меньше", False),
        ("it is not better at night, the pain wakes me every night", True),
        ("the pain wakes me every night", True),
        ("woke at night with back ache but rolled onto my side and it went", False),
        ("the pain wakes me every night. rolled onto my side and it went", True),
    ],
)
def test_relief_said_beside_it_is_not_night_pain(
    redflags: RedFlagDetector, text: str, found: bool
) -> None:
    assert ("night_pain_not_eased_by_rest" in _hits(redflags, text)) is found, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("they suspected a tumour but it came back clear", "history_of_cancer"),
        ("в глазах потемнело, но уже прошло", "faint_dizzy_or_clammy"),
    ],
)
def test_a_clearing_phrase_past_but_asks_instead_of_alarming(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "But it came back clear" may end the story well, or not (cancer that was cured is
    still history): one question, never a certain alarm."""
    assert not _hits(redflags, text).get(finding), text


@pytest.mark.parametrize("text", ["my toddler has a fever", "у внука температура"])
def test_a_childs_fever_is_not_the_persons(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}, text


@pytest.mark.parametrize(
    "text",
    [
        "не было ни онемения, ни слабости в ногах",
        "нет ни температуры, ни онемения в паху",
        "no numbness, nor weakness in my legs",
    ],
)
def test_a_negation_reaches_every_item_of_a_list_of_denials(
    redflags: RedFlagDetector, text: str
) -> None:
    """A list "ни X, ни Y" (or "nor") continues the list across the comma: the negation in front
    denies Y too, where before the second item stood alone and alarmed."""
    assert redflags.detect(text) == []


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("не чувствую ни ног, ни паха", "saddle_numbness"),
        ("не могу ни пописать, ни покакать", "bladder_or_bowel_dysfunction"),
        ("I can't feel my legs, nor my groin", "saddle_numbness"),
    ],
)
def test_a_list_after_a_symptom_verb_keeps_every_item(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """When the negated verb is itself the symptom ("не чувствую"), the list is symptoms."""
    assert finding in {hit.finding for hit in redflags.detect(text) if hit.certain}


@pytest.mark.parametrize(
    ("text", "finding", "certain"),
    [
        ("please send a paramedic to the park", "asks_for_emergency_help", True),
        ("we need 999 here", "asks_for_emergency_help", True),
        ("как вызвать скорую к подъезду", "asks_for_emergency_help", True),
        ("my tailbone slammed into the concrete", "major_trauma", True),
        ("приложился спиной об асфальт", "major_trauma", True),
        ("burning pain under the ribs going to my back", "chest_or_abdominal_pain", False),
        ("тупая боль в подреберье отдает в спину", "chest_or_abdominal_pain", False),
        ("she doesnt know what day it is", "confused_or_drowsy", False),
        ("мама не понимает какой сегодня день", "confused_or_drowsy", False),
        ("my leg lifts less each day", "leg_weakness_progressive", False),
        ("с каждым днём нога держит всё хуже", "leg_weakness_progressive", False),
        ("my husband has to wash me and dress me", "cannot_walk_or_care_for_self", True),
        ("ползком добралась до туалета", "cannot_walk_or_care_for_self", True),
        ("the weight is melting off me and i have no idea why", "unexplained_weight_loss", True),
        ("pain is at its worst at 4am", "night_pain_not_eased_by_rest", True),
        ("tried all positions, still agony", "constant_pain_unrelieved_by_any_position", True),
        ("ни одна поза не облегчает", "constant_pain_unrelieved_by_any_position", True),
        ("и сидя и лёжа болит одинаково", "constant_pain_unrelieved_by_any_position", True),
        ("перепробовала все позы, без толку", "constant_pain_unrelieved_by_any_position", True),
        ("my left leg is like jelly and wont take my weight", "leg_weakness_one_side", True),
        ("когда кашляю поясница орёт", "pain_worse_on_cough_or_sneeze", False),
        ("спина болит так что не разогнуться", "severe_pain_unable_to_move", True),
        ("мышцы бёдер отекли, натянуты как барабан", "muscle_swelling_after_training", False),
    ],
)
def test_kinds_of_wording_of_the_ninth_held_out_set(
    redflags: RedFlagDetector, text: str, finding: str, certain: bool
) -> None:
    """A plea for one paramedic or a number, the spine slammed into the ground, pain under
    the ribs through to the back, not knowing the day, a leg that lifts less day by day,
    someone else dressing me, crawling to the toilet, weight melting off, the small hours,
    every position tried, the Russian "ни одна поза" (the negation is the symptom), "и
    сидя и лёжа", a named leg like jelly, a back that screams at a cough, the impersonal
    "не разогнуться" and muscles swollen tight as a drum: each a kind, in the languages
    where it was missed. At least as sure as ``certain``."""
    got = _hits(redflags, text).get(finding)
    assert got is not None and (got or not certain), (text, got)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("everything went dark and i nearly fell over", "faint_dizzy_or_clammy"),
        ("всё потемнело в глазах, чуть не упала", "faint_dizzy_or_clammy"),
    ],
)
def test_a_fall_that_did_not_happen_clears_only_the_fall(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "Nearly fell" says there was no fall; it says nothing against the faint before it,
    which stays a certain alarm (it used to be asked about, like a cleared scan)."""
    assert _hits(redflags, text).get(finding) is True, text


@pytest.mark.parametrize(
    "text", ["slipped on the ice but caught myself", "поскользнулся, но удержался на ногах"]
)
def test_a_caught_slip_is_still_no_fall(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}, text


@pytest.mark.parametrize(
    "text", ["sos, i cant move", "помогите, не могу подняться с пола", "help!! can't get up"]
)
def test_a_plea_beside_not_being_able_to_move_is_certain(
    redflags: RedFlagDetector, text: str
) -> None:
    """A plea that alone is only asked about ("sos" or "help" with other words) is certain
    when the same message says, without doubt, that the person cannot move or get up."""
    assert _hits(redflags, text).get("asks_for_emergency_help") is True, text


def test_a_plea_for_other_help_is_not_made_certain(redflags: RedFlagDetector) -> None:
    assert "asks_for_emergency_help" not in _hits(
        redflags, "help me pick a program, cant get up early"
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("i cant even feel my legs", "sudden_leg_paralysis"),
        ("cant fucking move", "severe_pain_unable_to_move"),
        ("i can't really feel anything down there", "saddle_numbness"),
        ("не могу даже пошевелиться от боли", "severe_pain_unable_to_move"),
        ("не могу вообще встать", "cannot_walk_or_care_for_self"),
    ],
)
def test_a_filler_word_inside_a_phrase_is_stepped_over(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "Even", "fucking", "даже", "вообще" between the words of a phrase change nothing."""
    assert _hits(redflags, text).get(finding) is True, text


def test_a_filler_never_starts_or_ends_a_term() -> None:
    lexicon = Lexicon()
    term = lexicon.term("can't move", fuzzy=False)
    lexicon.fillers.add("even")
    lexicon.finish()
    assert lexicon.find_terms(["can't", "even", "move"]) == {term: [(0, 3)]}
    assert lexicon.find_terms(["even", "can't", "move", "even"]) == {term: [(1, 3)]}
    assert lexicon.find_terms(["can't", "even"]) == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ни встать, ни сесть", "cannot_walk_or_care_for_self"),
        ("ни пописать ни покакать", "bladder_or_bowel_dysfunction"),
        ("ни сидеть, ни лежать не могу, всё болит", "constant_pain_unrelieved_by_any_position"),
        ("ni vstat ni sest", "cannot_walk_or_care_for_self"),
    ],
)
def test_an_elliptical_list_of_verbs_after_ni_says_cannot(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "Ни встать, ни сесть" has no verb of its own: it says "не могу встать, не могу сесть"."""
    assert _hits(redflags, text).get(finding) is True, text


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["ни", "встать", "ни", "сесть"], ["не", "могу", "встать", "не", "могу", "сесть"]),
        (["не", "могу", "ни", "встать"], ["не", "могу", "ни", "встать"]),  # already negated
        (
            ["не", "хочу", "ни", "сидеть", "ни", "стоять"],
            ["не", "хочу", "ни", "сидеть", "ни", "стоять"],
        ),
        (["ни", "онемения", "ни", "слабости"], ["ни", "онемения", "ни", "слабости"]),  # nouns
    ],
)
def test_ni_before_an_infinitive_is_spelled_out(texts: list[str], expected: list[str]) -> None:
    tokens = Tokens(texts, [0] * len(texts), [0] * len(texts))
    verbs, negations = {"ни": ("не", "могу")}, {"не", "нет", "нельзя", "без"}
    assert spell_out_neither_verbs(tokens, verbs, negations).texts == expected


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("can't sit or lie, nothing helps", "constant_pain_unrelieved_by_any_position"),
        ("не могу сидеть, не могу лежать", "constant_pain_unrelieved_by_any_position"),
        ("krov v mo4e", "flank_pain_or_blood_in_urine"),
        ("mocha kak kola", "dark_urine_after_exercise"),
        ("ебнулся с турника", "major_trauma"),
        ("пиздануло штангой по спине", "major_trauma"),
        ("bailed off the skateboard onto concrete", "major_trauma"),
        ("нижняя часть тела онемела", "bilateral_leg_symptoms"),
        ("lower body is numb", "bilateral_leg_symptoms"),
        ("иммунитет ослаблен после пересадки", "immunosuppression_or_iv_drug_use"),
        ("immune system is shot after transplant", "immunosuppression_or_iv_drug_use"),
        ("my nads are swollen", "groin_or_testicle_pain_swelling"),
        ("my belly is hard as a board and hurts", "chest_or_abdominal_pain"),
        ("задница как отмороженная", "saddle_numbness"),
        ("несу какую-то чушь, путаю дни", "confused_or_drowsy"),
        ("he is talking total gibberish", "confused_or_drowsy"),
        ("пошёл в туалет, а там ничего не выходит", "bladder_or_bowel_dysfunction"),
    ],
)
def test_kinds_of_wording_beyond_the_ninth_held_out_set(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Kinds the round's own probes found missing (no corpus phrase): not sitting and not
    lying, chat digits in Latin-letter Russian ("mo4e") and Russian function words that say a
    Latin message is Russian ("kak"), crude and slang falls, the lower body, a weak immune
    system said the other way round, slang testicles, a board-hard belly, a saddle "как
    отмороженная", nonsense with words in between, and a toilet story across "а"."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text", ["my coach talks rubbish about diets", "my bum is dead after hip thrusts lol"]
)
def test_gym_talk_near_the_new_kinds_stays_quiet(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}, text


def test_a_letter_held_down_is_folded_to_two() -> None:
    assert tokenise("helppp sooo feeeel 1000").texts == ["helpp", "soo", "feel", "1000"]


def test_a_digit_between_latin_letters_is_read_as_a_letter() -> None:
    assert tokenise("krov v mo4e, ya6ik").texts == ["krov", "v", "moche", "yashik"]
    assert tokenise("at 4am, 10k, b4").texts == ["at", "4", "am", "10", "k", "b", "4"]


@pytest.mark.parametrize(
    "text", ["i pee a lot after coffee", "peeing loads after drinking cola", "wee a lot after tea"]
)
def test_a_drink_named_as_the_cause_of_peeing_is_no_colour(
    redflags: RedFlagDetector, text: str
) -> None:
    """ "After coffee" is why someone pees, not what the urine looks like ("like coffee")."""
    assert "dark_urine_after_exercise" not in _hits(redflags, text), text


def test_urine_like_coffee_after_training_still_alarms(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "my pee looks like coffee after the workout").get(
        "dark_urine_after_exercise"
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("в груди будто кол вбили", "chest_or_abdominal_pain"),
        ("левая нога всё хуже слушается", "leg_weakness_progressive"),
        ("yesterday i walked fine, today my leg barely holds me", "leg_weakness_progressive"),
        ("every morning my leg is worse", "leg_weakness_progressive"),
        ("i do heroin on weekends", "immunosuppression_or_iv_drug_use"),
        ("капаю ритуксимаб от артрита", "immunosuppression_or_iv_drug_use"),
        ("полгода лечусь гормонами", "immunosuppression_or_iv_drug_use"),
    ],
)
def test_worsening_legs_immunosuppression_and_chest_said_as_people_say_them(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Known weak kinds: a leg worse "every morning" or "слушается всё хуже", yesterday
    against today, heroin or a named immunosuppressant without a verb, steroid treatment
    said as "лечусь гормонами" (asked: it may be thyroid or the pill), a stake in the chest."""
    assert finding in _hits(redflags, text), text


def test_thyroid_hormones_are_not_immunosuppression(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "пью гормоны щитовидки") == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("by friday my leg was dragging and i kept tripping on the kerb", "foot_drop"),
        ("woke up soaked in sweat and freezing", "fever_or_chills"),
        (
            "went to the toilet all night but only a few drops came out",
            "bladder_or_bowel_dysfunction",
        ),
        ("жена говорит что я серый и весь в поту", "faint_dizzy_or_clammy"),
        ("проснулся весь мокрый, знобит", "fever_or_chills"),
    ],
)
def test_a_story_told_over_several_clauses_is_heard(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Narrative wording: a dragging leg and tripping told days apart, sweat and cold in one
    night, a toilet visit past "but", grey and sweaty as a spouse describes it."""
    assert finding in _hits(redflags, text), text


def test_sled_drags_are_no_foot_drop(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "doing sled drags and tripping over my feet lol") == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("numb bum from the bike seat after a long ride", "saddle_numbness"),
        ("промежность онемела от велосипедного седла", "saddle_numbness"),
        ("my knee gave way on the kerb but im ok", "leg_weakness_progressive"),
        ("my calves are rock hard from the pump", "muscle_swelling_after_training"),
        ("бёдра каменные от пампа", "muscle_swelling_after_training"),
    ],
)
def test_a_named_harmless_cause_asks_instead_of_alarming(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """The bike seat as the cause (it used to be part of the match, so it could not clear
    it), "but I'm ok" after a giving knee, the pump beside hard muscles: a confirming
    question with the number, never a certain alarm and never silence."""
    assert _hits(redflags, text).get(finding) is False, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ощущения в паху пропали", "saddle_numbness"),
        ("мочеиспускание затруднено со вчера", "bladder_or_bowel_dysfunction"),
        ("обе ступни онемевшие", "bilateral_leg_symptoms"),
        ("левой ногой не могу опереться", "leg_weakness_one_side"),
        ("похудение без всякой причины", "unexplained_weight_loss"),
        ("заметил деформацию позвоночника", "back_deformity_or_lump"),
        ("отёк мышц после тренировки", "muscle_swelling_after_training"),
        ("от боли не шевелюсь", "severe_pain_unable_to_move"),
    ],
)
def test_russian_nouns_participles_and_word_order(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Russian says a finding with a noun ("мочеиспускание", "похудение", "деформация",
    "отёк"), a participle ("онемевшие"), the instrumental ("левой ногой") or the subject
    last ("ощущения в паху пропали"), where the lists had verbs in one order."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("all feeling in my crotch is gone", "saddle_numbness"),
        ("urinating has been difficult since this morning", "bladder_or_bowel_dysfunction"),
        ("i cant push off with my right foot", "leg_weakness_one_side"),
        ("losing weight for no reason", "unexplained_weight_loss"),
        ("there is a deformity in my spine", "back_deformity_or_lump"),
        ("swollen muscles after the workout", "muscle_swelling_after_training"),
        ("too much pain to move", "severe_pain_unable_to_move"),
        ("i think i lost consciousness for a bit", "faint_dizzy_or_clammy"),
    ],
)
def test_english_findings_said_as_nouns_or_in_another_order(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """The English side of the same kinds: the feeling "gone", urination "difficult", weight
    loss "for no reason", a deformity, swollen muscles, too much pain to move, consciousness."""
    assert finding in _hits(redflags, text), text


def test_swollen_muscles_from_the_pump_stay_quiet(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "swollen muscles from the pump") == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("i cnt feel my feet", "bilateral_leg_symptoms"),
        ("heeeelp pls", "asks_for_emergency_help"),
        ("cant feeeel my groin", "saddle_numbness"),
        ("ноги не слушаюца", "sudden_leg_paralysis"),
        ("ниче не чувствую в промежности", "saddle_numbness"),
    ],
)
def test_chat_spellings_are_read_as_the_listed_words(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Chat spellings: a listed shorthand ("cnt", "ниче"), a letter held down ("heeeelp",
    "feeeel") and the Russian "-ца" for "-тся" ("слушаюца")."""
    assert finding in _hits(redflags, text), text


def test_a_spelling_entry_must_name_one_word_for_one_word() -> None:
    assert parse_spelling("Cnt = can't") == ("cnt", "can't")
    for bad in ("cnt", "= can't", "cnt = can not"):
        with pytest.raises(ValueError):
            parse_spelling(bad)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the man beside me on the treadmill collapsed", "faint_dizzy_or_clammy"),
        ("возле меня девушка потеряла сознание", "faint_dizzy_or_clammy"),
        ("my cat cant walk since yesterday", "cannot_walk_or_care_for_self"),
        ("a lorry ahead of us crashed, i'm ok", "major_trauma"),
    ],
)
def test_someone_or_something_else_is_asked_about_not_alarmed(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "The man beside me" (the "me" of a place is not the subject), a pet, a crash seen
    while "I'm ok": a question with the number for a bystander, never a certain alarm."""
    assert _hits(redflags, text).get(finding) is False, text


def test_a_documentary_about_drugs_is_not_drug_use(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "watched a documentary about heroin addicts") == {}


def test_a_weight_that_hits_the_back_is_asked_about(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "a dumbbell slipped and hit my lower back").get("major_trauma") is False


@pytest.mark.parametrize(
    ("text", "finding", "certain"),
    [
        ("both my legs feel like they belong to someone else", "bilateral_leg_symptoms", False),
        ("i cant tell when i need to go anymore", "bladder_or_bowel_dysfunction", True),
        ("my willy feels like cardboard", "saddle_numbness", False),
        ("i can hardly walk today", "cannot_walk_or_care_for_self", False),
        ("since sunday i need crutches to get about", "cannot_walk_or_care_for_self", False),
        ("с трудом хожу второй день", "cannot_walk_or_care_for_self", False),
        ("nothing i do eases it", "constant_pain_unrelieved_by_any_position", True),
    ],
)
def test_legs_not_mine_toilet_sense_and_barely_walking(
    redflags: RedFlagDetector, text: str, finding: str, certain: bool
) -> None:
    """Legs that are "not mine", not telling when to go, a numb penis in slang, barely
    walking or needing crutches (asked: it is also what a hard leg day says), nothing I do."""
    assert _hits(redflags, text).get(finding) is certain, text


def test_barely_walking_after_a_named_exercise_is_training(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "can hardly walk after squats lol") == {}


@pytest.mark.parametrize(
    ("text", "finding", "certain"),
    [
        ("жена нашла меня без сознания у кровати", "faint_dizzy_or_clammy", True),
        ("when i came round i was lying by the rack", "faint_dizzy_or_clammy", True),
        ("просыпаюсь в поту каждую ночь", "fever_or_chills", False),
        ("ne mogu pomochitsa s utra", "bladder_or_bowel_dysfunction", True),
    ],
)
def test_unconsciousness_night_sweats_and_chat_endings(
    redflags: RedFlagDetector, text: str, finding: str, certain: bool
) -> None:
    """Found unconscious or coming round, night sweats (asked: a hot flat explains them too),
    and "-tsa" for "-ться" in Latin-letter Russian."""
    assert _hits(redflags, text).get(finding) is certain, text


def test_night_sweats_in_a_hot_flat_stay_quiet(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "потею по ночам, жарко в комнате") == {}


@pytest.mark.parametrize(
    ("text", "finding", "certain"),
    [
        ("печёт в обоих бёдрах сзади", "bilateral_leg_symptoms", False),
        ("stinging down both calves", "bilateral_leg_symptoms", False),
        ("правую ногу поднимать всё труднее и труднее", "leg_weakness_progressive", False),
        ("стопа слабее, чем позавчера", "leg_weakness_progressive", False),
        ("standing on my right leg gets harder and harder", "leg_weakness_progressive", False),
        ("кашлять - это пытка", "pain_worse_on_cough_or_sneeze", False),
        ("промежность как мёртвая", "saddle_numbness", True),
        ("клитор онемел", "sexual_dysfunction_new", False),
        ("перестала ощущать позывы в туалет", "bladder_or_bowel_dysfunction", False),
        ("одна уже не могу себя обслужить", "cannot_walk_or_care_for_self", False),
        ("острая боль в паху, простреливает", "groin_or_testicle_pain_swelling", False),
        ("худею без видимой причины", "unexplained_weight_loss", True),
        ("лежа, стоя, сидя - болит одинаково", "constant_pain_unrelieved_by_any_position", False),
        ("кости ломкие, нагнулся, в спине хрустнуло", "minor_trauma_with_osteoporosis_risk", False),
        ("страшно даже шевельнуться, так болит", "severe_pain_unable_to_move", False),
        ("бицепсы распухли, руки не разгибаются", "muscle_swelling_after_training", True),
        ("шатает, того и гляди грохнусь", "faint_dizzy_or_clammy", True),
        ("конь меня скинул, ударился спиной", "major_trauma", True),
        ("a bull threw me off at the fair", "major_trauma", True),
        ("живот так болит, что стошнило", "chest_or_abdominal_pain", True),
        ("guts hurt so much i puked", "chest_or_abdominal_pain", True),
        ("i never find a comfy spot to lie", "constant_pain_unrelieved_by_any_position", True),
        ("there's a kink in my spine that's new", "back_deformity_or_lump", False),
    ],
)
def test_comparisons_pain_nouns_body_words_and_told_events(
    redflags: RedFlagDetector, text: str, finding: str, certain: bool
) -> None:
    """Kinds of wording the ninth round found: a leg's parts as legs, weakness told by
    comparison ("harder and harder", "than last week"), pain nouns ("пытка"), "like dead",
    female genitals, self-care verbs, fillers inside a term ("без видимой причины"),
    sitting/standing/lying in any order, everyday words for fragile bones, thrown by an
    animal in any word order, pain bad enough to vomit, "comfy", about to fall when dizzy."""
    assert _hits(redflags, text).get(finding) is certain, text


@pytest.mark.parametrize(
    "text",
    [
        "i can't bend my spine much after deadlifts",
        "ноги подогнулись на последнем выпаде, норм",
        "стопа не цепляется, хожу нормально",
        "my foot doesn't drag at all",
    ],
)
def test_gym_talk_and_plain_denials_stay_quiet(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text) == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("задираю колено повыше, чтобы носок не шаркал", "foot_drop"),
        ("i lift my knee up high so that my toes don't catch", "foot_drop"),
    ],
)
def test_a_negation_in_a_purpose_clause_denies_nothing(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "чтобы носок не шаркал": the toe drags unless the knee is lifted."""
    assert finding in _hits(redflags, text), text


def test_a_typo_guess_of_an_english_word_does_not_hide_latin_russian(
    redflags: RedFlagDetector,
) -> None:
    """ "stopa" is only a typo away from "stop": it still shows the message is Russian, so
    "visit" beside it is "висит"."""
    assert "foot_drop" in _hits(redflags, "pravaya stopa visit")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("обе ножки немеют с утра", "bilateral_leg_symptoms"),
        ("животик режет сильно и в спину отдаёт", "chest_or_abdominal_pain"),
        ("в попке онемение", "saddle_numbness"),
    ],
)
def test_diminutives_of_the_body_are_the_body(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "с блина упала гантелька, но я отскочил",
        "a plate slid off the bar but i jumped back in time",
    ],
)
def test_a_thing_that_fell_beside_me_is_no_fall_on_me(redflags: RedFlagDetector, text: str) -> None:
    """The subject "я" in the next clause is not the object "меня" of a thing falling on me."""
    assert not any(_hits(redflags, text).values()), text


@pytest.mark.parametrize(
    "text",
    [
        "по ночам сплю хорошо, поясница ноет только днём",
        "i sleep fine at night, the ache is only during the day",
    ],
)
def test_a_quiet_night_is_no_night_pain(redflags: RedFlagDetector, text: str) -> None:
    assert "night_pain_not_eased_by_rest" not in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    ["at night i cant sleep well, my back hurts so much", "ночью не сплю нормально, спина болит"],
)
def test_a_denied_good_night_is_still_night_pain(redflags: RedFlagDetector, text: str) -> None:
    """ "can't sleep well": the symptom runs into the relief's words, so it relieves nothing."""
    assert "night_pain_not_eased_by_rest" in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("slipped off the scaffolding, maybe 5 metres down, landed on my back", "major_trauma"),
        ("сорвался со стремянки, наверное 3 метра, спиной об пол", "major_trauma"),
    ],
)
def test_a_doubt_word_before_a_number_only_estimates_it(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "maybe 4 metres": the height is estimated, the fall is not in doubt."""
    assert _hits(redflags, text).get(finding) is True, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("покашляю и спину разрывает", "pain_worse_on_cough_or_sneeze"),
        ("моча кофейного цвета после марафона", "dark_urine_after_exercise"),
        ("минус шесть кило за месяц, а я ничего для этого не делала", "unexplained_weight_loss"),
        ("в паху справа уплотнение, ноет", "groin_or_testicle_pain_swelling"),
        ("левая ножка стала слабее правой", "leg_weakness_one_side"),
        (
            "у меня остеопороз, нагнулась к ребёнку и в пояснице стрельнуло",
            "minor_trauma_with_osteoporosis_risk",
        ),
        ("my oncologist found liver mets", "history_of_cancer"),
        ("scan showed my aorta is dilated", "pulsating_belly_or_known_aneurysm"),
        ("it doesn't matter how i sit, it hurts", "constant_pain_unrelieved_by_any_position"),
        ("my right kidney is killing me", "flank_pain_or_blood_in_urine"),
        ("every day my legs drag more", "leg_weakness_progressive"),
    ],
)
def test_everyday_words_of_this_round(redflags: RedFlagDetector, text: str, finding: str) -> None:
    """Pain told by a violent verb, colour by an adjective, a lump by its noun, one leg
    weaker than the other in diminutives, a sudden pain beside fragile bones, metastases
    by their slang, a widened aorta, "doesn't matter how", "killing me", more each day."""
    assert finding in _hits(redflags, text), text


def test_a_team_called_the_mets_is_no_cancer(redflags: RedFlagDetector) -> None:
    assert not _hits(redflags, "the mets won again, back is a bit sore from the bleachers")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("на трассе машину занесло, и я приложился поясницей о стойку", "major_trauma"),
        ("подтираюсь и не ощущаю бумагу вообще", "saddle_numbness"),
        ("до кухни еле дополз на четвереньках", "cannot_walk_or_care_for_self"),
        ("без палочки шагу не могу сделать с понедельника", "cannot_walk_or_care_for_self"),
        ("с каждым днём всё больше подволакиваю ногу", "leg_weakness_progressive"),
        ("нет такого положения, чтобы не болело", "constant_pain_unrelieved_by_any_position"),
        ("закашлялся, и вдруг как током по всей пояснице ударило", "pain_worse_on_cough_or_sneeze"),
    ],
)
def test_russian_stories_of_this_round(redflags: RedFlagDetector, text: str, finding: str) -> None:
    """A crash told as a story, not feeling the paper told with any "not feel" word, a
    prefixed verb of crawling, no step without a stick, dragging more each day, "there is
    no position", a cough and its pain several words apart."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "felt a little woozy after the rowing intervals, sat down a minute and it was gone",
        "после скакалки слегка закружилась голова, посидел и прошло",
    ],
)
def test_a_passing_dizziness_explained_by_training_is_no_question(
    redflags: RedFlagDetector, text: str
) -> None:
    """Suggestive wording (``maybe:``) with the workout and its end both told is no finding."""
    assert "faint_dizzy_or_clammy" not in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "passed out after the sprints, came round after a minute",
        "упал в обморок после тренировки, сейчас норм",
    ],
)
def test_a_faint_after_training_is_still_asked(redflags: RedFlagDetector, text: str) -> None:
    assert "faint_dizzy_or_clammy" in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("с вчерашнего вечера ни разу не мочилась, хотя воду пью", "bladder_or_bowel_dysfunction"),
        ("обе ноги как не свои", "bilateral_leg_symptoms"),
        ("struggling to get it up since i hurt my back", "sexual_dysfunction_new"),
        (
            "been on prednisone... no, steroids for years, bent down and felt a crack",
            "minor_trauma_with_osteoporosis_risk",
        ),
    ],
)
def test_time_by_adjective_legs_not_mine_getting_it_up_and_years_of_steroids(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ни разу за день не пописала", "bladder_or_bowel_dysfunction"),
        ("никак не могу пошевелиться, спину заклинило", "severe_pain_unable_to_move"),
    ],
)
def test_russian_negatives_agree_rather_than_cancel(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "ни разу не", "никак не": a negation before a term that opens with "не" strengthens it."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text", ["i can't even wipe myself since tuesday", "не могу подтереться сам, так скрутило"]
)
def test_wiping_oneself_is_self_care(redflags: RedFlagDetector, text: str) -> None:
    assert "cannot_walk_or_care_for_self" in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("back went into spasm, now i'm stuck on the kitchen floor", "severe_pain_unable_to_move"),
        ("woke up lying in a puddle of piss, didn't feel a thing", "bladder_or_bowel_dysfunction"),
    ],
)
def test_stuck_on_the_floor_and_a_puddle_of_pee(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text), text


def test_not_that_is_a_hedge_asked_about(redflags: RedFlagDetector) -> None:
    """ "не то чтобы не чувствую" hedges a symptom (and its own "не" no longer cancels it)."""
    assert (
        _hits(redflags, "не то чтобы совсем не чувствую стопы").get("bilateral_leg_symptoms")
        is False
    )


@pytest.mark.parametrize(
    "text",
    ["each cough feels like a dagger in my lower back", "when i sneeze it screams down my spine"],
)
def test_a_cough_told_as_a_knife_or_a_scream(redflags: RedFlagDetector, text: str) -> None:
    assert "pain_worse_on_cough_or_sneeze" in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "i am 81, knocked my hip on the table and my back has hurt since",
        "мне 78, оступилась на ступеньке и спину прихватило",
        "на гормонах годами, нагнулся и в спине что-то хрустнуло",
    ],
)
def test_old_age_or_years_of_steroids_is_a_bone_risk(redflags: RedFlagDetector, text: str) -> None:
    """An age told as a number (70 and over) or years of steroid treatment makes a small jolt
    a fracture risk: a confirming question (the concept rule never alarms)."""
    assert _hits(redflags, text).get("minor_trauma_with_osteoporosis_risk") is False, text


def test_bumped_into_something_is_no_lump(redflags: RedFlagDetector) -> None:
    assert "back_deformity_or_lump" not in _hits(redflags, "bumped into a shelf, my back is ok")


def test_urine_that_went_dark_is_no_blackout(redflags: RedFlagDetector) -> None:
    assert "faint_dizzy_or_clammy" not in _hits(redflags, "my urine has gone dark since the race")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("since my back went my orgasms have stopped", "sexual_dysfunction_new"),
        ("эрекция по утрам прекратилась с тех пор как сорвал спину", "sexual_dysfunction_new"),
        ("насрала в штаны и даже не заметила", "bladder_or_bowel_dysfunction"),
        ("минус 7 кг за месяц, неизвестно с чего", "unexplained_weight_loss"),
        ("неделю назад ставили уколы в корешок, спина горит", "immunosuppression_or_iv_drug_use"),
        ("в сердце кольнуло и дышать трудно", "chest_or_abdominal_pain"),
        ("my heart hurts and i can't catch my breath", "chest_or_abdominal_pain"),
        ("в левой ноге силы уходят день ото дня", "leg_weakness_progressive"),
    ],
)
def test_everyday_wordings_of_findings(redflags: RedFlagDetector, text: str, finding: str) -> None:
    """A function that stopped, crude soiling, "не пойму с чего" as unexplained, a nerve-root
    injection, chest or heart pain with breathlessness, strength draining day by day."""
    assert finding in _hits(redflags, text), text


def test_plain_word_lists_parse_one_word_or_an_expansion() -> None:
    """The Russian grammar lists (russian_markers ... concord) hold single words, and
    neither_verbs maps a word to the words it is read as."""
    assert parse_word(" Ne ") == "ne"
    assert parse_expansion("ни = не могу") == ("ни", ("не", "могу"))
    for bad in ("", "two words"):
        with pytest.raises(ValueError):
            parse_word(bad)
    for bad in ("ни", "ни =", "= не могу", "ни бы = не могу"):
        with pytest.raises(ValueError):
            parse_expansion(bad)


def test_an_empty_list_is_refused_outside_the_plain_word_lists(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'negation_after: ["none", "nope", "absent"]', "negation_after: []")
    with pytest.raises(ContentError, match="must not be empty"):
        RedFlagDetector.load(path.parent.parent, ("en",))


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("i keep forgetting words mid sentence today", "confused_or_drowsy"),
        ("весь день забываю простые слова", "confused_or_drowsy"),
        ("the part i sit on feels numb since yesterday", "saddle_numbness"),
        ("то, на чем сижу, как чужое и онемело", "saddle_numbness"),
        ("i've stopped getting the urge to wee", "bladder_or_bowel_dysfunction"),
        ("fever for four days now, back is sore", "fever_or_chills"),
        ("locked up, the slightest movement is excruciating", "severe_pain_unable_to_move"),
        ("при каждом движении дикая боль в спине", "severe_pain_unable_to_move"),
    ],
)
def test_word_finding_the_seat_the_urge_a_fever_for_days_agony_on_moving(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Forgetting words is confusion; "the part I sit on" is the saddle area; an urge that no
    longer comes; "a fever for N days" is a duration, not a craze; pain on every movement."""
    assert finding in _hits(redflags, text), text


def test_a_fever_for_an_activity_is_a_craze(redflags: RedFlagDetector) -> None:
    assert "fever_or_chills" not in _hits(redflags, "caught a real fever for running this year")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my toes keep snagging on the rug when i walk", "foot_drop"),
        ("cant go up onto my toes on the right side", "leg_weakness_one_side"),
        ("моча чуть ли не черная после забега", "dark_urine_after_exercise"),
        ("колено подгибается, сегодня ещё сильнее", "leg_weakness_progressive"),
    ],
)
def test_snagging_toes_tiptoe_almost_black_worse_today(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Toes that snag or scrape; "onto my toes"; "чуть ли не черная" is almost black (its
    "не" denies nothing); a weakness worse today than before."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "the chills and sweats lasted two days in june, fully recovered since",
        "ran a temperature over christmas but im all better now",
        "температура держалась неделю, уже выздоровела и тренируюсь",
        "знобило пару дней в отпуске, поправился",
    ],
)
def test_a_symptom_that_is_over_never_alarms(redflags: RedFlagDetector, text: str) -> None:
    """Recovered, all better, over it: the finding it follows is over, so no certain alarm
    (at most a question, where the clause leaves doubt)."""
    assert not any(_hits(redflags, text).values()), text


def test_a_new_symptom_after_a_recovery_still_counts(redflags: RedFlagDetector) -> None:
    hits = _hits(redflags, "the flu cleared up last week and now i cant feel my groin")
    assert "saddle_numbness" in hits


@pytest.mark.parametrize(
    "text",
    [
        "had leukemia as a kid, all clear now",
        "I've been cancer free for 5 years",
        "в детстве болела лейкозом, сейчас всё чисто",
        "переболел раком 5 лет назад, сейчас ремиссия",
    ],
)
def test_a_cancer_told_as_history_stays_one_after_all_clear(
    redflags: RedFlagDetector, text: str
) -> None:
    """clinical.md: "has ever had cancer (any type, even if cured)". A ``told:`` rule hears
    the history itself, so "all clear now" says it was treated, not that it never was."""
    assert _hits(redflags, text).get("history_of_cancer") is True, text


@pytest.mark.parametrize(
    "text",
    [
        "had a cancer scare but the biopsy was clear",
        "было подозрение на рак, но биопсия чистая",
    ],
)
def test_a_scare_that_a_test_cleared_is_only_asked(redflags: RedFlagDetector, text: str) -> None:
    assert _hits(redflags, text).get("history_of_cancer") is False, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the pain goes down one leg then the other", "bilateral_leg_symptoms"),
        ("боль то в одну ногу то в другую", "bilateral_leg_symptoms"),
        ("haven't peed since the workout this morning", "dark_urine_after_exercise"),
        ("после тренировки пописал один раз и совсем немного", "dark_urine_after_exercise"),
        ("I was 4 metres up the ladder, it slid and I landed on my back", "major_trauma"),
        ("my bump keeps tightening", "pregnancy_warning_signs"),
    ],
)
def test_round_twelve_kinds_are_heard(redflags: RedFlagDetector, text: str, finding: str) -> None:
    """Kinds read from holdout14/15's misses, told in other words: a pain that swaps legs,
    hardly any urine after training, a height told in metres, a tightening bump."""
    assert finding in _hits(redflags, text), text


def test_a_chest_tight_after_any_press_is_asked_not_alarmed(redflags: RedFlagDetector) -> None:
    for text in ("chest feels tight after incline dumbbell press", "chest tight after db press"):
        assert _hits(redflags, text).get("chest_or_abdominal_pain") is False, text


def test_a_drink_named_as_a_colour_is_still_the_colour(redflags: RedFlagDetector) -> None:
    """ "tea and" once stood for drinking tea ("tea and coffee"), so "wee the colour of strong
    tea and my quads are like bricks" was read as a drink and dropped."""
    assert "dark_urine_after_exercise" in _hits(redflags, "wee like strong tea and my quads ache")
    assert _hits(redflags, "i drink tea and coffee all day and my back is stiff") == {}


def test_saddle_numbness_from_a_bike_saddle_that_passed_is_never_an_alarm(
    redflags: RedFlagDetector,
) -> None:
    """Numbness from a bike saddle whose feeling came back is asked about at most; the same
    numbness that stays, or came back as a symptom, is still an alarm."""
    assert not any(
        _hits(
            redflags, "my bum went numb on the bike saddle but it came back after i stood up"
        ).values()
    )
    assert _hits(redflags, "the numbness in my bum came back")["saddle_numbness"] is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ne mogu xodit'", "cannot_walk_or_care_for_self"),  # "x" for х in Latin letters
        ("ve4erom lixoradit", "fever_or_chills"),
        ("кончить не могу, началось после травмы спины", "sexual_dysfunction_new"),  # free_order
        ("шагу сделать не могу", "cannot_walk_or_care_for_self"),
    ],
)
def test_thirteenth_round_kinds_are_heard(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text), text


def test_a_denied_harmless_cause_explains_nothing(redflags: RedFlagDetector) -> None:
    """Beetroot explains red urine, "I didn't eat beetroot" does not."""
    assert "dark_urine_after_exercise" not in _hits(
        redflags, "красная моча после кросса, ела свёклу"
    )
    assert "dark_urine_after_exercise" in _hits(redflags, "красная моча после кросса, свёклу не ел")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my husband wet himself in the car and didn't feel it", "bladder_or_bowel_dysfunction"),
        (
            "муж говорит у него пропала эрекция после того как он сорвал спину",
            "sexual_dysfunction_new",
        ),
    ],
)
def test_someone_elses_emergency_level_symptom_is_asked(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert _hits(redflags, text).get(finding) is False, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my mate said ring 111 but it's just a tweak", "asks_for_emergency_help"),
        ("abs are wrecked, it hurts to laugh", "pain_worse_on_cough_or_sneeze"),
        ("krepatura takaya 4to smeyat'sya bol'no, no eto press", "pain_worse_on_cough_or_sneeze"),
    ],
)
def test_urgent_care_numbers_and_laughing_only_ask(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert _hits(redflags, text).get(finding) is not True, text


def test_one_legs_sciatica_is_not_both_legs(redflags: RedFlagDetector) -> None:
    assert "bilateral_leg_symptoms" not in _hits(
        redflags, "po pravoj noge strelyaet do ikry kogda dolgo sizhu"
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "my brother uses heroin and his back hurts really bad",
            "immunosuppression_or_iv_drug_use",
        ),
        ("у мужа была меланома, вырезали, а у мужа спина болит", "history_of_cancer"),
    ],
)
def test_someone_typing_for_a_person_whose_back_hurts_is_asked_about_them(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """A proxy ("his back hurts", "у мужа спина болит") makes another person's finding theirs:
    asked, with the number, instead of dropped as family history."""
    assert _hits(redflags, text).get(finding) is False, text


@pytest.mark.parametrize(
    "text",
    ["my mum had cancer, my back hurts after deadlifts", "у мамы был рак, а у меня спина болит"],
)
def test_family_history_without_a_proxy_stays_dropped(redflags: RedFlagDetector, text: str) -> None:
    assert "history_of_cancer" not in _hits(redflags, text), text


def test_q_for_ya_and_w_for_sha_in_latin_letters(redflags: RedFlagDetector) -> None:
    assert "saddle_numbness" in _hits(redflags, "u menq onemel anus posle tqgi")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("памагите", "asks_for_emergency_help"),
        ("pamagite spina", "asks_for_emergency_help"),
        ("патерял сазнание в зале", "faint_dizzy_or_clammy"),
        ("тимпиратура 39 и поясница", "fever_or_chills"),
        ("paterial saznanie posle stanovoi", "faint_dizzy_or_clammy"),
    ],
)
def test_unstressed_vowels_written_as_they_sound_are_read(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Chat Russian writes о as а and е as и where they sound alike; the typo tolerance alone
    misses it (two letters off, or the second letter wrong)."""
    assert finding in _hits(redflags, text), text


def test_a_real_word_is_never_respelt_into_another(redflags: RedFlagDetector) -> None:
    lexicon = redflags._lexicon
    assert lexicon._exact.get("стал")  # a listed word one vowel away from a real one
    assert lexicon._vowel_match(lexicon._exact.get, "стол") == []
    assert lexicon._vowel_match(lexicon._exact.get, "памагите")


def test_a_flood_of_unknown_words_tries_only_a_few_respellings(
    redflags: RedFlagDetector,
) -> None:
    """Each respelt word costs up to 15 look-ups: only the first unknown words of a message
    try (a word respelt once is remembered, so this one is used nowhere else)."""
    letters = "бвгджзклмнпрстфхцчшщ"
    flood = " ".join(f"{a}{b}у{c}ы" for a in letters[:4] for b in letters[4:9] for c in letters)
    assert redflags.detect(flood) == []
    assert redflags.detect(flood + " памагити") == []  # past the budget: not respelt
    assert _hits(redflags, "памагити " + flood).get("asks_for_emergency_help") is not None


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "since two days stool is passing by itself, I cannot control",
            "bladder_or_bowel_dysfunction",
        ),
        ("feeling giddy and pale after the session, back is paining", "faint_dizzy_or_clammy"),
        ("there is no sensation in the private area since lifting", "saddle_numbness"),
        ("my mother is talking irrelevant since evening, fever also", "confused_or_drowsy"),
        ("weight reduced 7 kilos without any reason", "unexplained_weight_loss"),
        ("both my legs are going weak day by day", "leg_weakness_progressive"),
        ("he slipped from the terrace onto the road", "major_trauma"),
    ],
)
def test_indian_and_other_world_englishes_are_heard(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Words that English as spoken in India, Nigeria or the Philippines uses for a sign:
    "motion" and "stool" for the bowels, "giddy" for dizzy, "private part", "talking
    irrelevant" for confused speech."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "a knot in my glute, rolled it on a lacrosse ball and it hurts",
        "range of motion in my hips is poor, can't hold the bottom of a squat",
    ],
)
def test_a_ball_to_roll_on_and_range_of_motion_are_no_sign(
    redflags: RedFlagDetector, text: str
) -> None:
    assert not any(_hits(redflags, text).values()), text


def test_someone_who_does_not_get_up_is_only_asked_about_erections(
    redflags: RedFlagDetector,
) -> None:
    """Russian "не встаёт" is both "cannot get up" and "no erection": certain only when it is
    said of oneself or of the penis."""
    fell = _hits(redflags, "друг упал со скамьи и не встаёт")
    assert fell.get("sexual_dysfunction_new") is False
    assert _hits(redflags, "у меня не встаёт после травмы спины")["sexual_dysfunction_new"]


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("сеча темна як кава після кросфіту", "dark_urine_after_exercise"),
        ("не відчуваю сідниці і промежину", "saddle_numbness"),
        ("чоловік впав з даху, спина", "major_trauma"),
        ("голова паморочиться, холодний піт і поперек болить", "faint_dizzy_or_clammy"),
    ],
)
def test_ukrainian_words_are_read_as_the_russian_they_mean(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """Many Russian speakers in Ukraine write Ukrainian or surzhyk: the lists' ``spellings``
    read its words as the Russian ones, also where the word is listed itself ("впав")."""
    assert finding in _hits(redflags, text), text


def test_a_ukrainian_denial_denies(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "ні оніміння, ні слабкості немає, просто болить поперек") == {}


def test_a_racing_heart_with_a_sweat_is_a_warning_unless_the_exercise_explains_it(
    redflags: RedFlagDetector,
) -> None:
    assert _hits(redflags, "heart racing like mad and I'm drenched, back is killing me") == {
        "faint_dizzy_or_clammy": True
    }
    assert _hits(redflags, "heart pounding and sweating after the sprints") == {}


def test_numb_from_the_waist_down_is_the_saddle_area_too(redflags: RedFlagDetector) -> None:
    assert "saddle_numbness" in _hits(redflags, "from my waist down it's all gone numb")


@pytest.mark.parametrize("text", ["скинул 10 кг хз почему", "слил 6 кило за месяц, не сушусь"])
def test_weight_lost_in_slang_for_no_reason_is_asked(redflags: RedFlagDetector, text: str) -> None:
    assert "unexplained_weight_loss" in _hits(redflags, text), text


@pytest.mark.parametrize(
    "text",
    [
        "back locked up this morning but I'm walking around slowly",
        "поясницу заклинило, но встаю и хожу потихоньку",
    ],
)
def test_a_back_that_locked_up_is_asked_about_not_alarmed(
    redflags: RedFlagDetector, text: str
) -> None:
    """ "Locked up" / "заклинило" is how people say lumbago; only with "can't move" is it
    certainly pain that stops them moving."""
    assert _hits(redflags, text).get("severe_pain_unable_to_move") is False, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("не писается с утра, хотя очень хочется", "bladder_or_bowel_dysfunction"),
        ("не встаётся с кровати совсем, спина", "cannot_walk_or_care_for_self"),
        ("туалетная бумага как будто не ощущается, когда вытираюсь", "saddle_numbness"),
    ],
)
def test_russian_impersonal_forms_say_the_sign_too(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "Не писается", "не встаётся": Russian says "I cannot" impersonally, with the verb's
    reflexive form; toilet paper not felt is the classic saddle sign."""
    assert finding in _hits(redflags, text), text


def test_legs_that_will_not_go_after_leg_day_are_no_sign(redflags: RedFlagDetector) -> None:
    assert _hits(redflags, "ноги не идут после дня ног") == {}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I am not able to feel when the urine is passing", "bladder_or_bowel_dysfunction"),
        ("since last night urine is not coming properly", "bladder_or_bowel_dysfunction"),
        (
            "the pain is not reducing in any position, lying or sitting",
            "constant_pain_unrelieved_by_any_position",
        ),
        ("my lower back has become crooked since yesterday", "back_deformity_or_lump"),
    ],
)
def test_more_world_english_ways_of_saying_a_sign(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """ "Not able to feel", "urine not coming", "not reducing in any position": a negation
    that is the symptom itself."""
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "my mate just passed out after deadlifts, he's lying there, what do I do",
            "faint_dizzy_or_clammy",
        ),
        ("друг только что потерял сознание после становой, лежит бледный", "faint_dizzy_or_clammy"),
    ],
)
def test_someone_elses_emergency_happening_now_is_a_warning(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """A bystander typing "what do I do" or "только что" needs the number at once."""
    assert _hits(redflags, text).get(finding) is True, text


@pytest.mark.parametrize(
    "text",
    ["my mate passed out under the bar last week, he's fine now", "my friend fainted at the gym"],
)
def test_someone_elses_emergency_not_said_to_be_now_is_asked_or_dropped(
    redflags: RedFlagDetector, text: str
) -> None:
    assert _hits(redflags, text).get("faint_dizzy_or_clammy") is not True, text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ня магу ў туалет схадзіць па-маленькаму з учора", "bladder_or_bowel_dysfunction"),
        ("нагу цягну, з кожным днём горш", "leg_weakness_progressive"),
        ("в паху болит и припухло после того как мешок поднял", "groin_or_testicle_pain_swelling"),
    ],
)
def test_belarusian_words_and_a_swollen_groin_are_heard(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _hits(redflags, text), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("ноги парализовало минут 10 назад, просто висят, звонить 112?", "sudden_leg_paralysis"),
        ("can't feel my legs at all, what do I do??", "sudden_leg_paralysis"),
    ],
)
def test_a_question_about_what_to_do_leaves_the_symptom_certain(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """The question mark asks for the next step, not whether the symptom is real."""
    assert _hits(redflags, text).get(finding) is True, text
    assert _hits(redflags, "can't feel my legs?").get("sudden_leg_paralysis") is False


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("had a spinal injection last month and now my back hurts again", True),
        ("мне сделали блокаду в поясницу две недели назад, опять болит", True),
        ("had a spinal fusion in 2012, surgeon discharged me years ago, glutes ache", False),
        ("had an epidural when my son was born 7 years ago, back only stiff after zumba", False),
        ("блокаду делали в 2015 году, сейчас просто крепатура", False),
    ],
)
def test_a_spinal_procedure_counts_only_while_recent(
    redflags: RedFlagDetector, text: str, found: bool
) -> None:
    """clinical.md 3.3: a spinal injection or operation in the last 3 months (``recent:``
    rules); one said to be long past is no finding."""
    hits = {h.finding for h in redflags.detect(text)}
    assert ("immunosuppression_or_iv_drug_use" in hits) is found, hits


def test_an_ellipsis_is_a_pause_not_a_stop() -> None:
    """ "Не могу встать с дивана... потому что лень": what follows the dots explains what
    came before, so both are one sentence."""
    tokens = tokenise("can't get up... because lazy. new one")
    assert tokens.sentence == [0, 0, 0, 0, 0, 1, 1]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("cant. talk. hurts. too. much. barely moving", [0, 0, 0, 0, 0, 1, 1]),
        ("dizzy? no. fever? no.", [0, 0, 1, 2, 2, 3]),  # answers stay their own sentences
        ("Pain. I can't move", [0, 1, 1, 1]),  # a word, then a sentence: two sentences
    ],
)
def test_words_typed_one_per_full_stop_are_one_sentence(text: str, sentences: list[int]) -> None:
    """Someone in pain types a word at a time ("cant. talk. hurts."): a full stop between two
    one-word chunks, with full stops (or the text's ends) around them, is a beat, not the end
    of a sentence, so the rules that need the words together still hear them."""
    assert tokenise(text).sentence == sentences


def test_a_simile_of_an_injury_is_asked_about_not_alarmed(redflags: RedFlagDetector) -> None:
    """ "Feel like", "as if": a comparison, said with doubt; "I feel like I'm going to pass
    out" stays a warning (the faint rules are ``sure:``)."""
    assert _hits(redflags, "feels as if my legs are paralysed").get("sudden_leg_paralysis") is False
    assert _hits(redflags, "I feel like I'm going to pass out").get("faint_dizzy_or_clammy") is True


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "A podcast said dark urine after exercise can be dangerous, mine is pale",
            "dark_urine_after_exercise",
        ),
        (
            "Посмотрел ролик про аневризму аорты, у меня ничего не пульсирует",
            "pulsating_belly_or_known_aneurysm",
        ),
    ],
)
def test_what_media_said_of_an_emergency_is_at_most_asked(
    redflags: RedFlagDetector, text: str, finding: str
) -> None:
    """An emergency sign is never silenced by a cleared phrase (NEVER_CLEARED), but what a
    podcast or a video said is no certain alarm either."""
    assert _hits(redflags, text).get(finding) is not True, text


BLIND_SET_KINDS = [
    # round 31
    ("im bulking and down 4 kilos", "unexplained_weight_loss", True),
    ("Сижу на массе, а весы показывают минус пять за месяц", "unexplained_weight_loss", True),
    ("is it normal for the baby to move less after pilates?", "pregnancy_warning_signs", True),
    ("is it normal to not feel anything during sex?", "sexual_dysfunction_new", True),
    ("legs stop working? both mine went dead, won't move", "sudden_leg_paralysis", True),
    ("my husband has to help me on and off the toilet", "cannot_walk_or_care_for_self", True),
    ("my husband has to help me on and off the toilet", "asks_for_emergency_help", False),
    ("скорее всего ерунда, просто поясница ноет", "asks_for_emergency_help", False),
    ("на унитаз садиться больно, ляжки забиты", "pain_worse_on_cough_or_sneeze", False),
    ("sneezed mid set, dropped the bar on the floor", "pain_worse_on_cough_or_sneeze", False),
    ("sneezed and almost dropped to the floor", "pain_worse_on_cough_or_sneeze", True),
    ("chital pro rabdomioliz, mocha normal'naya", "dark_urine_after_exercise", False),
    ("поясница кривая стала, в зеркале видно", "back_deformity_or_lump", True),
    ("blood in my pee today, its a rest day", "flank_pain_or_blood_in_urine", True),
    # round 32
    (
        "Husband tried sitting, lying, nothing eases his back, it's constant",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    (
        "swapped positions for 3 hours and not one of them gives me any relief",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    ("my spine's gone bendy off to the left", "back_deformity_or_lump", True),
    (
        "lower back puffy and firm to touch after a 100-rep workout",
        "muscle_swelling_after_training",
        True,
    ),
    ("Sneezed and nearly hit the deck", "pain_worse_on_cough_or_sneeze", True),
    ("erection goes soft straight away since the back injury", "sexual_dysfunction_new", True),
    ("Брат после тяги вдруг ноги не двигает", "sudden_leg_paralysis", True),
    ("зы каждый чих как нож в спину", "pain_worse_on_cough_or_sneeze", True),
    ("положил руку на пузо, а там тук-тук-тук", "pulsating_belly_or_known_aneurysm", True),
    ("same ache both sides, nothing shooting anywhere", "bilateral_leg_symptoms", False),
    ("nothing comes out when I try to pee", "bladder_or_bowel_dysfunction", True),
    (
        "чихать не больно, кашлять не больно, просто тянет поясницу",
        "pain_worse_on_cough_or_sneeze",
        False,
    ),
    # round 33
    ("Nurse here. Bilateral radicular pain down both legs", "bilateral_leg_symptoms", True),
    ("new severe epigastric pain going through to my back", "chest_or_abdominal_pain", True),
    ("my LBP is clearly aggravated by coughing", "pain_worse_on_cough_or_sneeze", True),
    ("palpable step at about L4, new", "back_deformity_or_lump", True),
    ("У себя: пресинкопе, профузная потливость", "faint_dizzy_or_clammy", True),
    ("до санузла без посторонней помощи не дойти", "cannot_walk_or_care_for_self", True),
    ("they cut a melanoma off me in 2021, said it was cured", "history_of_cancer", True),
    ("Меланому вырезали в 2021, вроде всё чисто", "history_of_cancer", True),
    ("weakness in my right leg after deadlifts", "leg_weakness_one_side", True),
    (
        "I'm not confused, not dizzy, just curious: should I rest?",
        "faint_dizzy_or_clammy",
        False,
    ),
    ("not sure if it's numb down there", "saddle_numbness", True),
    (
        "Блокаду мне никогда не делали, просто болит поясница",
        "immunosuppression_or_iv_drug_use",
        False,
    ),
    ("На пробежке обычный колик в боку был, прошёл", "flank_pain_or_blood_in_urine", False),
    ("this soreness is emergency-level annoying, just DOMS", "asks_for_emergency_help", False),
    # round 34
    ("feel like I got run over by a bus, it's just stiff muscles", "major_trauma", False),
    ("told my flatmate my back is broken after leg day, it isn't", "major_trauma", False),
    ("got run over by a bus on my bike", "major_trauma", True),
    (
        "chihayu i kashlyayu bez problem, bol' ne menyaetsya",
        "pain_worse_on_cough_or_sneeze",
        False,
    ),
    (
        "ночью проснулся попить воды, спина вообще не беспокоила",
        "night_pain_not_eased_by_rest",
        False,
    ),
    (
        "аневризма — это у героя сериала, а у меня просто поясница ноет",
        "pulsating_belly_or_known_aneurysm",
        False,
    ),
    ("feels like a golf ball has grown right beside my spine", "back_deformity_or_lump", True),
    (
        "tried the couch, the floor, the bed, the pain stays exactly the same",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    (
        "my girlfriend slipped on the wet floor just now and landed on her backside",
        "minor_fall_or_jolt",
        True,
    ),
    (
        "Жена после кроссфита: поясница и ягодицы опухли и твёрдые как камень",
        "muscle_swelling_after_training",
        True,
    ),
    ("каждое движение как нож в спину", "severe_pain_unable_to_move", True),
    ("my grandma broke her hip falling last winter", "minor_fall_or_jolt", False),
    # round 35
    ("тренр сказал ставить ноги шире в становой", "immunosuppression_or_iv_drug_use", False),
    ("колю себе трен", "immunosuppression_or_iv_drug_use", True),
    ("всё тело ломит как при гриппе, но температуры нет", "fever_or_chills", False),
    ("при этом ни температуры, ни слабости в ногах", "bilateral_leg_symptoms", False),
    ("не могу поднять ни одну ногу", "sudden_leg_paralysis", True),
    (
        "ничто не помогает, ни лёжа, ни сидя, ни стоя",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    ("за день ни капли мочи", "bladder_or_bowel_dysfunction", True),
    ("Пишу за соседа: он худеет без причины, спина болит", "unexplained_weight_loss", True),
    ("мазала поясницу мазью и нащупала шишку на позвоночнике", "back_deformity_or_lump", True),
    ("can't even make it to the dunny on my own", "cannot_walk_or_care_for_self", True),
    ("Mate reckons I've slipped a disc because I groaned", "minor_fall_or_jolt", False),
    # round 36
    (
        "I heard on a podcast that night pain is a warning sign. Mine doesn't",
        "night_pain_not_eased_by_rest",
        False,
    ),
    ("I'm not confused, just sore lol", "confused_or_drowsy", False),
    ("he keeps asking what day it is and where we are", "confused_or_drowsy", True),
    ("Coach watched me jog and said my leg buckled twice", "leg_weakness_progressive", True),
    (
        "тренер заметил, что позвоночник внизу выпирает ступенькой",
        "back_deformity_or_lump",
        True,
    ),
    ("Седалищный сначала был слева, а теперь и справа тянет", "bilateral_leg_symptoms", True),
    ("в конце стянуло грудную клетку, дышать тяжело", "chest_or_abdominal_pain", True),
    # round 37
    (
        "in the boxing film the fighter pees blood, mine is normal",
        "flank_pain_or_blood_in_urine",
        False,
    ),
    ("у героини сериала отнялись ноги", "immunosuppression_or_iv_drug_use", False),
    ("сижу на героине", "immunosuppression_or_iv_drug_use", True),
    ("ночью не просыпался, днём ноет, когда наклоняюсь", "night_pain_not_eased_by_rest", False),
    (
        "4am and I haven't managed to pee at all since the gym",
        "bladder_or_bowel_dysfunction",
        True,
    ),
    ("my foot just dangles, it flaps when I walk", "foot_drop", True),
    ("the weakness in my left leg has steadily worsened", "leg_weakness_progressive", True),
    ("paracetamol brought my temperature down but it's back at 38.4", "fever_or_chills", True),
    # round 38
    ("Dizzy? No. Faint? No. Just tight hamstrings", "faint_dizzy_or_clammy", False),
    ("Онемение? Нет. Просто поясница ноет", "saddle_numbness", False),
    ("can't feel my legs? no, I can't", "sudden_leg_paralysis", True),
    (
        "Кашляю и чихаю спокойно, боль в спине от этого не меняется",
        "pain_worse_on_cough_or_sneeze",
        False,
    ),
    (
        "my wife spotted a swelling on my lower back she's never seen",
        "back_deformity_or_lump",
        True,
    ),
    ("my back won't let me take one step", "cannot_walk_or_care_for_self", True),
    (
        "Жена на седьмом месяце, сидит рядом: у неё регулярно сжимается живот",
        "pregnancy_warning_signs",
        True,
    ),
    ("проснулся ночью от жажды", "night_pain_not_eased_by_rest", False),
    # round 39
    ("My granddad had prostate cancer years ago, my back is stiff", "history_of_cancer", False),
    (
        "My coach says my posture looks normal and nothing about my spine has changed shape",
        "back_deformity_or_lump",
        False,
    ),
    ("Вызывайте скорую моей мотивации, а не спине", "asks_for_emergency_help", False),
    (
        "Спинка болит, и писать стало трудненько: струйка еле-еле",
        "bladder_or_bowel_dysfunction",
        True,
    ),
    ("На спинке внизу бугорочек новенький вылез", "back_deformity_or_lump", True),
    (
        "Ma baws are agony, the right one's swelled right up",
        "groin_or_testicle_pain_swelling",
        True,
    ),
    (
        "Не сушусь, питание не менял. А минус 8 кг за два месяца.",
        "unexplained_weight_loss",
        True,
    ),
    # round 40
    ("listening to a podcast and I've got chills and a fever", "fever_or_chills", True),
    ("after a movie I noticed blood in my pee", "flank_pain_or_blood_in_urine", True),
    ("chills listening to my gym playlist", "fever_or_chills", False),
    (
        "Heard you should go to A&E if you go numb between the legs. I'm not",
        "saddle_numbness",
        True,
    ),
    (
        "Read that back pain can mean kidney stones, my pee is normal",
        "flank_pain_or_blood_in_urine",
        False,
    ),
    ("когда вообще нужно вызывать скорую? спрашиваю на будущее", "asks_for_emergency_help", False),
    ("my scrotum is puffed up on the left and its agony", "groin_or_testicle_pain_swelling", True),
    (
        "had a facet joint injection in my lower back five weeks ago",
        "immunosuppression_or_iv_drug_use",
        True,
    ),
    (
        "Седалищный сначала тянул справа, а сегодня переметнулся налево",
        "bilateral_leg_symptoms",
        True,
    ),
    # round 41
    ("fainted when I saw the prices at the new gym", "faint_dizzy_or_clammy", False),
    ("can't feel my legs after spin, figuratively, walking fine", "sudden_leg_paralysis", False),
    ("can't feel my legs after spin, not figuratively", "sudden_leg_paralysis", True),
    ("чуть не упала в обморок, увидев ценник на протеин", "faint_dizzy_or_clammy", False),
    ("pee is pink after legs day and I didn't eat any beets", "flank_pain_or_blood_in_urine", True),
    ("зубы стучат, трясёт, будто старика, озноб", "fever_or_chills", True),
    ("coach, both my shins have gone numbish", "bilateral_leg_symptoms", True),
    ("тренер, обе голени как отсиженные", "bilateral_leg_symptoms", True),
    ("квадры как надутые, болят хуже обычной крепатуры", "muscle_swelling_after_training", True),
    ("икры надулись, но это просто памп", "muscle_swelling_after_training", False),
    ("ноги чуть не отказали на рекорде", "sudden_leg_paralysis", False),
    ("dizzy? no. fever? no. just sore", "faint_dizzy_or_clammy", False),
    ("cant. move. hurts. too. much", "severe_pain_unable_to_move", True),
    ("у жены бок под рёбрами колет и моча розоватая", "flank_pain_or_blood_in_urine", True),
    ("my kid has a fever so I skipped the gym", "fever_or_chills", False),
    ("the bar came down onto the safeties, not on me", "major_trauma", False),
    ("the bar slipped and smashed down across my lower back", "major_trauma", True),
    ("day 1 weak leg, day 2 weaker, today it's going downhill", "leg_weakness_progressive", True),
    ("left leg solid, right leg just couldn't push me up", "leg_weakness_one_side", True),
    ("bol takaya chto ne mogu dazhe povernutsya", "severe_pain_unable_to_move", True),
    ("ночью сплю как младенец, болит только при наклонах", "night_pain_not_eased_by_rest", False),
    ("когда ложусь на бок, боль проходит", "flank_pain_or_blood_in_urine", False),
    # round 42
    ("my 🥚 is swollen and killing me since deadlifts", "groin_or_testicle_pain_swelling", True),
    ("🍆 stopped working since my back went", "sexual_dysfunction_new", True),
    ("жена говорит, джинсы на мне болтаются, минус 6 кг", "unexplained_weight_loss", True),
    ("my legs are paralysed after that class jk, walking fine", "sudden_leg_paralysis", False),
    ("sore abs after 300 crunches, laughing hurts", "pain_worse_on_cough_or_sneeze", False),
    ("my bum feels num since the fall", "saddle_numbness", True),
    ("running 102.2F and my back aches", "fever_or_chills", True),
    ("squats at 100kg today, back's tight", "fever_or_chills", False),
    ("my shorts were wet and I didn't notice", "bladder_or_bowel_dysfunction", True),
    (
        "I have osteoporosis and my back hurt after I lifted the shopping",
        "minor_trauma_with_osteoporosis_risk",
        True,
    ),
    ("Nurse: reduced perianal sensation since yesterday", "saddle_numbness", True),
    ("не могли бы вы вызвать мне врачей, я одна", "asks_for_emergency_help", True),
    # round 43
    ("в песне поётся «не чувствую ног», а я чувствую", "sudden_leg_paralysis", False),
    ("ya upal v obmorok ot schastya posle rekorda", "faint_dizzy_or_clammy", False),
    ("штанга упала на пол рядом со мной", "major_trauma", False),
    ("fell straight back asleep after the dog woke me", "minor_fall_or_jolt", False),
    ("my son's lost weight without dieting and his back hurts", "unexplained_weight_loss", True),
    ("у мамы обе ноги немеют", "bilateral_leg_symptoms", True),
    ("my coach had sciatica in both legs", "bilateral_leg_symptoms", False),
    ("went 8 hours without any urge to pee", "bladder_or_bowel_dysfunction", True),
    (
        "the pain is exactly the same whether I sit or lie",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    ("hx prostate ca, new LBP after deadlifts", "history_of_cancer", True),
    ("decked from 4 m at the crag onto my back", "major_trauma", True),
    # round 44
    (
        "had an epidural injection in my back, but that was 4 years ago",
        "immunosuppression_or_iv_drug_use",
        False,
    ),
    ("the only thing that fell today was my bench PR", "minor_fall_or_jolt", False),
    ("сорвалась с диеты, спина после тяги ноет", "major_trauma", False),
    ("every sneeze and my lower back goes", "pain_worse_on_cough_or_sneeze", True),
    (
        "I broke a vertebra before, today I just bent down and it hurts",
        "minor_trauma_with_osteoporosis_risk",
        True,
    ),
    ("соедините меня с экстренной службой", "asks_for_emergency_help", True),
    ("ни минуты без боли третий день", "constant_pain_unrelieved_by_any_position", True),
    ("скинула 6 кг, а я для этого ничего не делала", "unexplained_weight_loss", True),
    # round 45
    ("my squat PR was a total car crash, form-wise", "major_trauma", False),
    ("чуть в обморок не упала от радости, рекорд!", "faint_dizzy_or_clammy", False),
    (
        "what does it mean if pee is brown after training? mine is normal",
        "dark_urine_after_exercise",
        False,
    ),
    ("i nearly feinted after the set, room spinning", "faint_dizzy_or_clammy", True),
    (
        "dad has an aneurysm, he's with me at the gym and his back went",
        "pulsating_belly_or_known_aneurysm",
        True,
    ),
    (
        "can't get into the shower since the session, my wife is doing everything for me",
        "cannot_walk_or_care_for_self",
        True,
    ),
    ("ичко распухло после тяги", "groin_or_testicle_pain_swelling", True),
    ("мысок левой ноги задевает пол", "foot_drop", True),
    ("встаёт, но сразу падает, после травмы спины", "sexual_dysfunction_new", True),
    # round 46
    (
        "that lump on my spine has been there my whole life, nothing new",
        "back_deformity_or_lump",
        False,
    ),
    (
        "поясница ноет третьи сутки, но уже меньше",
        "constant_pain_unrelieved_by_any_position",
        False,
    ),
    ("nearly fainted when I saw my new deadlift number", "faint_dizzy_or_clammy", False),
    (
        "my sciatica was left only, now it's down the right leg as well",
        "bilateral_leg_symptoms",
        True,
    ),
    (
        "since my back went I can't transfer from bed to my chair",
        "cannot_walk_or_care_for_self",
        True,
    ),
    ("her speech has gone garbled and her back hurts", "confused_or_drowsy", True),
    # round 47
    (
        "the only thing keeping me up at night is the baby, not my back",
        "night_pain_not_eased_by_rest",
        False,
    ),
    ("do planks help or hurt a sore back?", "asks_for_emergency_help", False),
    (
        "I no fit control my toilet, I mess myself and I no even feel am",
        "bladder_or_bowel_dysfunction",
        True,
    ),
    (
        "my left quad isn't firing since the squats, other leg is fine",
        "leg_weakness_one_side",
        True,
    ),
    ("беременна, 30 недель, малыш шевелится меньше обычного", "pregnancy_warning_signs", True),
    ("kak ni lyag vse ravno bolit, bez pereryva", "constant_pain_unrelieved_by_any_position", True),
    # round 48
    (
        "every time I try to stand the back locks and I go straight back down",
        "cannot_walk_or_care_for_self",
        True,
    ),
    ("would stretching help?", "asks_for_emergency_help", False),
    ("it keeps waking me up and nothing settles it", "night_pain_not_eased_by_rest", True),
    ("не помню, как доехал домой из зала", "confused_or_drowsy", True),
    (
        "все позы перепробовал, ни одна не помогает",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    ("живот болит только от смеха, ржали весь вечер", "chest_or_abdominal_pain", False),
    # round 49
    ("my coach yelled 'call 911!' as a joke when I hit a PR", "asks_for_emergency_help", False),
    ("I'm 31 weeks and the baby has been way quieter than normal", "pregnancy_warning_signs", True),
    (
        "my wife tried everything, it's constant and nothing makes her back pain ease",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    # round 50
    (
        "I slept through the whole night without my back waking me",
        "night_pain_not_eased_by_rest",
        False,
    ),
    ("would a standing desk help?", "asks_for_emergency_help", False),
    ("walking is impossible for me right now", "cannot_walk_or_care_for_self", True),
    ("онемения нигде нет, просто спина забилась", "saddle_numbness", False),
    ("тренер шутит, что меня парализовало ленью", "sudden_leg_paralysis", False),
    # rounds 52 and 53
    ("рак? нет, просто паникую после гугла", "history_of_cancer", False),
    ("rabdo u menya? net, mocha svetlaya", "dark_urine_after_exercise", False),
    ("онемение? нет. температура? 36,6. просто поясница", "fever_or_chills", False),
    ("ambulance? no, call one now", "asks_for_emergency_help", True),
    ("ноги не чувствую? нет, вообще не чувствую", "sudden_leg_paralysis", True),
    (
        "sneezed and nothing hurt, so I guess it's not a disc?",
        "pain_worse_on_cough_or_sneeze",
        False,
    ),
    ("гуглил рабдомиолиз, моча светлая", "dark_urine_after_exercise", False),
    ("По гороскопу я Рак, а спина ноет после становой", "history_of_cancer", False),
    ("не могу нагнуться поднять носок с пола", "foot_drop", False),
    ("Ему нужно к врачу или само пройдёт?", "asks_for_emergency_help", False),
    ("paresthesia in both legs after deadlifts", "bilateral_leg_symptoms", True),
    ("when I run my fingers down my spine there's a step", "back_deformity_or_lump", True),
    ("missed the last step and jarred my lower back", "minor_fall_or_jolt", True),
    ("my dad had cancer and now has back pain from the gym", "history_of_cancer", True),
    ("they took a melanoma off my shoulder two years ago", "history_of_cancer", True),
    ("I tell it to move and nothing happens, not even a twitch", "sudden_leg_paralysis", True),
    ("couldn't finish the set with my partner spotting", "sexual_dysfunction_new", False),
    ("waking at 3am, rolling over does nothing", "night_pain_not_eased_by_rest", True),
    ("i am stuck in the car, the pain is so big i cannot turn", "severe_pain_unable_to_move", True),
    ("ремень застёгиваю на две дырки дальше", "unexplained_weight_loss", True),
    (
        "сижу — болит, встаю — болит, ложусь — болит",
        "constant_pain_unrelieved_by_any_position",
        True,
    ),
    # rounds 54 and 55
    ("ноги онемели, такого никогда не было", "bilateral_leg_symptoms", True),
    ("my groin went numb, never had this before", "saddle_numbness", True),
    ("онемения нет, такого никогда не было", "saddle_numbness", False),
    ("упал телефон со скамьи, пока снимал подход", "minor_fall_or_jolt", False),
    ("упала штанга мне на спину", "major_trauma", True),
    ("Онемения, слабости в ногах, проблем с туалетом нет.", "bilateral_leg_symptoms", False),
    ("Пульс после кардио упал до 60", "minor_fall_or_jolt", False),
    ("Weak glutes. What drills help?", "asks_for_emergency_help", False),
    (
        "thighs and back so weak after class, way beyond my usual soreness",
        "leg_weakness_one_side",
        False,
    ),
    ("way beyond my usual soreness, pee still clear", "muscle_swelling_after_training", True),
    (
        "woke up 4 times last night, tried different positions, no relief, no sleep",
        "night_pain_not_eased_by_rest",
        True,
    ),
    ("78 kg, I was 84 in March and I'm not on a cut", "unexplained_weight_loss", True),
    ("при близости чувствительность внизу пропала", "sexual_dysfunction_new", True),
    # rounds 56 and 57
    (
        "Оступился на ступеньке, ничего серьёзного, наверное, но спина ноет",
        "minor_fall_or_jolt",
        True,
    ),
    ("Вещи болтаются, вес ушёл сам собой, на сушке я не сидел", "unexplained_weight_loss", True),
    (
        "A lady in my aqua class has osteoporosis, I don't",
        "minor_trauma_with_osteoporosis_risk",
        False,
    ),
    ("My husband's back is sore after helping me in the garden", "asks_for_emergency_help", False),
    ("What if I ever have a fever with back pain?", "fever_or_chills", False),
    ("Если я когда-нибудь увижу тёмную мочу после тренировки?", "dark_urine_after_exercise", True),
    ("на пояснице появилась шишка, раньше её не было", "back_deformity_or_lump", True),
    ("упал жим на 5 кг за месяц", "minor_fall_or_jolt", False),
    ("Кашляю, но спина от этого сильнее не болит", "pain_worse_on_cough_or_sneeze", False),
    ("Малыш со вчерашнего дня шевелится гораздо меньше", "pregnancy_warning_signs", True),
    (
        "my water has been brown like strong tea since the CrossFit session",
        "dark_urine_after_exercise",
        True,
    ),
    ("Where the sun doesn't shine has gone tingly and numb", "saddle_numbness", True),
    ("I had the big C years ago, they told me I was all clear", "history_of_cancer", True),
    ("I volunteer with St John Ambulance", "asks_for_emergency_help", False),
    # rounds 58 and 59
    ("температуры нет моча обычная просто спина после бурпи", "fever_or_chills", False),
    ("онемения нет ноги отнялись", "sudden_leg_paralysis", True),
    ("окей гугл нет то есть бот вызови неотложку срочно", "asks_for_emergency_help", True),
    ("подруга упала на катке и сломала руку", "minor_fall_or_jolt", False),
    ("Typing this for my son: he lost his footing and sat down hard", "minor_fall_or_jolt", True),
    ("🤒🥶 и спина", "fever_or_chills", True),
    ("im a cancer ♋ lol, leg day", "history_of_cancer", False),
    ("suddenly neither leg responds", "sudden_leg_paralysis", True),
    ("my mum works as an ambulance paramedic", "asks_for_emergency_help", False),
    ("скорая помощь для спины после присед", "asks_for_emergency_help", False),
    ("градусник показал тридцать восемь и два", "fever_or_chills", True),
    ("frozen on floor, cant turn", "severe_pain_unable_to_move", True),
    ("28 нед, кровянит", "pregnancy_warning_signs", True),
    # rounds 60 and 61
    ("beat lukemia as a kid, been fine sinse", "history_of_cancer", True),
    ("both legs just stoped werking", "sudden_leg_paralysis", True),
    ("Hi, I am from Lagos, my back is little tired after gym", "bilateral_leg_symptoms", False),
    ("the pain is so bad i can barley talk", "severe_pain_unable_to_move", True),
    ("скорая ни нужна, прасто хачу совет как растянуца", "asks_for_emergency_help", False),
    ("ноги ни немеют, в пах ни атдаёт, тупо ноет в мышцах", "bilateral_leg_symptoms", False),
    ("в паху шышка стала твёрдая и бальная", "groin_or_testicle_pain_swelling", True),
    (
        "Non-ambulant since the lift, requires assistance with all ADLs",
        "cannot_walk_or_care_for_self",
        True,
    ),
    ("Saddle anaesthesia reported", "saddle_numbness", True),
    (
        "Safety-netting given: return if saddle numbness or urinary retention develop",
        "saddle_numbness",
        False,
    ),
    (
        "Памятка при выписке: при появлении онемения в промежности — сразу за помощью",
        "saddle_numbness",
        False,
    ),
    ("Острая плегия правой нижней конечности", "sudden_leg_paralysis", True),
    ("i can hardly move even to roll over", "severe_pain_unable_to_move", True),
    # rounds 62 and 63
    ("Среда: проснулся с тупой болью в мышцах спины", "night_pain_not_eased_by_rest", False),
    ("просыпаюсь от боли в пояснице каждую ночь", "night_pain_not_eased_by_rest", True),
    ("Got help from a PT to fix my rounded back", "asks_for_emergency_help", False),
    ("I nearly dropped a plate on my foot but caught it in time", "foot_drop", False),
    ("My 13 year old daughter just had a growth spurt", "history_of_cancer", False),
    ("I was treated for a growth on my prostate", "history_of_cancer", True),
    ("Send somebody please, it's urgent", "asks_for_emergency_help", True),
    ("Чихать не больно, просто болят мышцы", "pain_worse_on_cough_or_sneeze", False),
    ("Боль вообще не зависит от положения тела", "constant_pain_unrelieved_by_any_position", True),
    # rounds 64 and 65
    (
        "bloods all normal, blood pressure textbook, urine test clear",
        "flank_pain_or_blood_in_urine",
        False,
    ),
    ("saw blood in the toilet bowl after i peed", "flank_pain_or_blood_in_urine", True),
    ("I've been dealing with gym fever, I want to go every day", "fever_or_chills", False),
    ("my lower back is a bit more sore than usual, dull", "muscle_swelling_after_training", False),
    (
        "встаю со стула а если сижу спокойно почти не чувствую",
        "bladder_or_bowel_dysfunction",
        False,
    ),
    ("my thighs are swollen and I can hardly lift them", "muscle_swelling_after_training", True),
    ("рак был у бабушки давно, у меня ничего такого", "history_of_cancer", False),
    ("ноги отнялись у мужа", "sudden_leg_paralysis", True),
    ("The ambulance icon on your screen confused me", "confused_or_drowsy", False),
]
"""(text, finding, found): one example per kind read and fixed in blind rounds 31 to 65 (each
round's whole set is a corpus part, ``tests/core/redflags/corpus/*_holdoutN.yaml``)."""


@pytest.mark.parametrize(("text", "finding", "found"), BLIND_SET_KINDS)
def test_the_kinds_read_in_blind_sets(
    redflags: RedFlagDetector, text: str, finding: str, found: bool
) -> None:
    """The general kinds behind each blind round's misses, one phrase each, so a later change
    that undoes a kind fails here by name and not only as a corpus figure. Among them:
    weight lost on a bulk and "w/o dieting"; "is it normal to..." still says the sign; "his
    back", "husband here", "пишу за жену" make that person the patient; a question mark or a
    laugh does not undo a denial, and a checklist answered "Dizzy? No." denies; "ни" opening
    a denial list denies; a simile or a film's character is no injury of the person's; a
    health worker's words for the signs; Russian diminutives; a price or "figuratively"
    says a sign is not meant, and a denied or outdone explanation ("didn't eat any beets",
    "хуже обычной крепатуры") explains nothing; a one-word address ("тренер, ...") is no
    one else; words typed one per full stop are one sentence; someone else's symptom is
    asked, a child's fever is not."""
    assert (finding in _hits(redflags, text)) is found, text


@pytest.mark.parametrize(
    ("text", "finding", "found"),
    [
        ("ne mogu podnyat ni odnu nogu", "sudden_leg_paralysis", True),
        ("ne chuvstvuyu ni nog, ni pakha", "saddle_numbness", True),
        (
            "bolit postoyanno, ni lezha, ni sidya ne legche",
            "constant_pain_unrelieved_by_any_position",
            True,
        ),
        ("za den ni kapli mochi", "bladder_or_bowel_dysfunction", True),
        ("ni temperatury, ni slabosti v nogakh", "bilateral_leg_symptoms", False),
    ],
)
def test_ni_reads_the_same_in_latin_letters(
    redflags: RedFlagDetector, text: str, finding: str, found: bool
) -> None:
    """ "ni" is the "ни" of the neither_verbs list: it agrees with a "ne" before it, means
    "in no way" before "lezha" or "kapli", and denies only where it opens a list."""
    assert (finding in _hits(redflags, text)) is found, text
