"""Transcript tests of the five outcome screens, in English and Russian.

What clinical.md (sections 1, 2, 6 and 7) requires every outcome to say, checked on the real
flow and content: the region's emergency number, numbered first aid for the non-emergency
levels (wrapped cold 15-20 minutes every 2-3 hours for up to 3 days, no heat for 72 hours and
why, resting positions, no self-arranged injections, gentle movement instead of bed rest, the
safety net), emergency screens that put the call first and say not to drive, "not a diagnosis"
and "why" on every outcome, the follow-up screens and the summary card, and the disclaimer at
/start and in /about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pytest

from bot.core.engine import Engine
from bot.core.messages import EventKind, Reply, ReplyKind
from tests.conftest import Chat
from tests.core.walk import walk

AMB, ED, URGENT, DOCTOR, SELF = (
    "emergency_ambulance",
    "emergency_department",
    "urgent_doctor",
    "doctor",
    "self_care",
)
LEVELS = (AMB, ED, URGENT, DOCTOR, SELF)
EMERGENCY = (AMB, ED)
NON_EMERGENCY = (URGENT, DOCTOR, SELF)

# The shortest honest way to each level, and the "why" line it must produce.
ANSWERS: Mapping[str, Mapping[str, str | Sequence[str]]] = {
    AMB: {"rf_emergency": "accident"},
    ED: {"rf_saddle": "saddle_numb"},
    URGENT: {"rf_systemic": ["fever"]},
    DOCTOR: {"character": "sharp"},
    SELF: {},
}


@dataclass(frozen=True)
class Lang:
    """The exact wording (from content/<locale>) a screen in this language must contain."""

    locale: str
    region: str
    number: str
    banner: str
    heading: Mapping[str, str]
    no_drive: Mapping[str, str]
    ambulance_steps: Sequence[str]
    department_steps: Sequence[str]
    urgent_line: Sequence[str]
    first_aid: Mapping[str, str]
    positions: Sequence[str]
    safety_net: Mapping[str, str]
    not_a_diagnosis: str
    because: str
    why: Mapping[str, str]
    level_names: Mapping[str, str]
    followup_labels: Mapping[str, str]
    followup_headings: Mapping[str, str]
    summary_title: str
    summary_result: str
    summary_footer: str
    start_disclaimer: str
    about_disclaimer: str


EN = Lang(
    locale="en",
    region="uk",
    number="999",
    banner="🚩 Warning sign in your answers.",
    heading={
        AMB: "📞 Call 999 now.",
        ED: "🏥 Go to the emergency department (A&E, ER) now, today. If you can't get there "
        "safely, call 999.",
        URGENT: "🩺 See a doctor within 24 hours.",
        DOCTOR: "🩺 Book a doctor or physiotherapist in the next few days.",
        SELF: "🏠 You can look after this at home.",
    },
    no_drive={AMB: "Don't drive.", ED: "Don't drive yourself. Ask someone to take you"},
    ambulance_steps=(
        "While you wait:",
        "don't let anyone move you unless you're in danger",
        "Unlock the door or ask someone to meet the crew. Keep your phone on.",
    ),
    department_steps=(
        "If you can't get there safely or can't walk, call 999.",
        'At reception, say exactly what you noticed and since when, for example "numbness',
    ),
    urgent_line=("call NHS 111", "If any emergency sign appears meanwhile, call 999 at once."),
    first_aid={
        "stop": "Stop training for today.",
        "cold_wrapped": "Cold, always wrapped",
        "not_on_skin": "never on bare skin",
        "minutes": "Keep it on for 15 to 20 minutes, never longer",
        "every": "Repeat every 2 to 3 hours while you're awake",
        "days": "for up to 3 days",
        "no_heat": "No heat for the first 72 hours",
        "heat_reason": "heat widens the blood vessels and can make bleeding and swelling worse",
        "no_injections": "No injections you arranged yourself",
        "pharmacist": "Ask a pharmacist which tablets or gels are safe for you.",
        "no_bed_rest": "Don't stay in bed for days.",
        "move": "take short easy walks",
        "why_move": "long bed rest slows recovery",
    },
    positions=(
        "on your back with hips and knees bent and your calves resting on a chair or sofa",
        "on your back with pillows under your knees",
        "on your side, knees bent, with a pillow between them",
    ),
    safety_net={
        "emergency": "Call 999 or go to the emergency department at once",
        "bladder_bowel": "new trouble peeing, leaking or losing bowel control",
        "both_legs": "pain, numbness or weakness in both legs",
        "weakness": "a leg or foot getting weaker",
        "one_leg": "new numbness or weakness in one leg",
        "three_days": "if it isn't clearly better within 3 days",
        "worse": "if it gets worse",
    },
    not_a_diagnosis="This is not a diagnosis.",
    because="Why: you said",
    why={
        AMB: "• Danger signs (fall or blow, chest or belly pain, fainting, confusion, legs not "
        "moving): Fall, crash or heavy blow",
        ED: "• Numbness around the genitals, back passage or inner thighs: Yes, it feels numb "
        "or different",
        URGENT: "• General health (fever, cancer, weight loss, immunity, fragile bones): Fever "
        "or chills",
        DOCTOR: "• Kind of pain: Sharp, stabbing or shooting",
        SELF: "• When it started: Hours later or the next day",
    },
    level_names={
        AMB: "Call an ambulance now",
        ED: "Emergency department today",
        URGENT: "See a doctor within 24 hours",
        DOCTOR: "See a doctor or physiotherapist in the coming days",
        SELF: "Self-care at home",
    },
    followup_labels={
        "doms_vs_injury": "Soreness or injury?",
        "prevention": "How to prevent it",
        "summary": "Summary for a doctor",
    },
    followup_headings={
        "doms_vs_injury": "Muscle soreness or an injury?",
        "prevention": "How to protect your back next time:",
    },
    summary_title="Back pain check, ",
    summary_result="Result: ",
    summary_footer="It is not a diagnosis.",
    start_disclaimer="I'm not a doctor and I don't diagnose.",
    about_disclaimer="It is not a doctor and does not diagnose.",
)

RU = Lang(
    locale="ru",
    region="ru",
    number="112",
    banner="🚩 В ваших ответах есть опасный признак.",
    heading={
        AMB: "📞 Звоните 112 / 103 прямо сейчас.",
        ED: "🏥 Отправляйтесь в приёмное отделение больницы — сейчас, сегодня. Если не можете "
        "безопасно добраться, звоните 112 / 103.",
        URGENT: "🩺 Покажитесь врачу в течение 24 часов.",
        DOCTOR: "🩺 Запишитесь к врачу или реабилитологу (врачу ЛФК) в ближайшие дни.",
        SELF: "🏠 С этим можно справиться дома.",
    },
    no_drive={
        AMB: "Не садитесь за руль.",
        ED: "Не садитесь за руль сами. Попросите кого-нибудь отвезти вас",
    },
    ambulance_steps=(
        "Пока ждёте:",
        "не давайте никому себя перемещать",
        "Откройте входную дверь или попросите кого-нибудь встретить бригаду скорой.",
    ),
    department_steps=(
        "Если не можете безопасно добраться или не можете ходить, звоните 112 / 103.",
        "В приёмном отделении скажите точно, что вы заметили и с какого времени",
    ),
    urgent_line=(
        "Скорая помощь с мобильного: 103, с городского телефона: 03.",
        "Если за это время появится любой опасный признак, сразу звоните 112 / 103.",
    ),
    first_aid={
        "stop": "Сегодня больше не тренируйтесь.",
        "cold_wrapped": "Холод — только через ткань",
        "not_on_skin": "никогда не на голую кожу",
        "minutes": "Держите 15–20 минут, не дольше",
        "every": "Повторяйте каждые 2–3 часа, пока не спите",
        "days": "до 3 дней",
        "no_heat": "Никакого тепла первые 72 часа",
        "heat_reason": "тепло расширяет сосуды и может усилить кровоизлияние и отёк",
        "no_injections": "Никаких уколов, которые вы назначили себе сами",
        "pharmacist": "спросите у фармацевта в аптеке",
        "no_bed_rest": "Не лежите в постели днями.",
        "move": "выходите на короткие спокойные прогулки",
        "why_move": "долгий постельный режим замедляет восстановление",
    },
    positions=(
        "на спине, ноги согнуты в бёдрах и коленях, голени лежат на стуле или диване",
        "на спине с подушками под коленями",
        "на боку, колени согнуты, между ними подушка",
    ),
    safety_net={
        "emergency": "Сразу звоните 112 / 103 или обращайтесь в приёмное отделение больницы",
        "bladder_bowel": "новые трудности с мочеиспусканием, подтекание мочи или потерю "
        "контроля над стулом",
        "both_legs": "боль, онемение или слабость в обеих ногах",
        "weakness": "нарастающую слабость в ноге",
        "one_leg": "новое онемение или слабость в одной ноге",
        "three_days": "если за 3 дня не стало явно лучше",
        "worse": "если становится хуже",
    },
    not_a_diagnosis="Это не диагноз.",
    because="Почему: вы сообщили",
    why={
        AMB: "• Опасные признаки (падение или удар, боль в груди или животе, обморочное "
        "состояние, спутанность сознания, ноги не двигаются): Падение, авария или удар",
        ED: "• Онемение в области половых органов, заднего прохода или внутренней поверхности "
        "бёдер: Да, онемело или не как обычно",
        URGENT: "• Общее здоровье (температура, рак, похудение, иммунитет, хрупкие кости): "
        "Температура или озноб",
        DOCTOR: "• Характер боли: Острая, колющая, стреляющая",
        SELF: "• Когда началось: Через часы или на другой день",
    },
    level_names={
        AMB: "Вызовите скорую прямо сейчас",
        ED: "Сегодня же в приёмное отделение больницы",
        URGENT: "К врачу в течение 24 часов",
        DOCTOR: "К врачу или реабилитологу в ближайшие дни",
        SELF: "Самопомощь дома",
    },
    followup_labels={
        "doms_vs_injury": "Мышечная боль или травма?",
        "prevention": "Как избежать в будущем",
        "summary": "Сводка для врача",
    },
    followup_headings={
        "doms_vs_injury": "Мышечная боль после тренировки или травма?",
        "prevention": "Как поберечь спину в следующий раз:",
    },
    summary_title="Проверка боли в спине, ",
    summary_result="Результат: ",
    summary_footer="Это не диагноз.",
    start_disclaimer="Я не врач и не ставлю диагнозов.",
    about_disclaimer="Бот — не врач и не ставит диагнозов.",
)

LANGS = {"en": EN, "ru": RU}
CASES = [pytest.param(lang, level, id=f"{lang}-{level}") for lang in LANGS for level in LEVELS]


# -- helpers -----------------------------------------------------------------------------


def reach(engine: Engine, lang: Lang, level: str) -> tuple[Chat, Reply]:
    """Start a chat in ``lang``, set the region, walk to ``level``; the outcome reply."""
    chat = Chat(engine, user=f"{lang.locale}-{level}", locale=lang.locale)
    chat.start()
    chat.send(EventKind.REGION, lang.region)
    assert chat.session.region == lang.region
    assert walk(chat, ANSWERS[level]) == level
    outcomes = [r for r in chat.replies if r.kind is ReplyKind.OUTCOME]
    assert len(outcomes) == 1
    return chat, outcomes[0]


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def numbered(text: str) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(r"^(\d+)\. ", text, flags=re.M)]


def line_with(text: str, needle: str) -> str:
    found = [line for line in text.splitlines() if needle in line]
    assert found, f"{needle!r} not in:\n{text}"
    return found[0]


# -- every outcome -----------------------------------------------------------------------


@pytest.mark.parametrize(("lang_id", "level"), CASES)
def test_every_outcome_names_number_not_a_diagnosis_and_why(
    engine: Engine, lang_id: str, level: str
) -> None:
    lang = LANGS[lang_id]
    _, outcome = reach(engine, lang, level)
    text = outcome.text
    assert lang.heading[level] in text
    assert lang.number in text
    last = lines(text)[-1]
    assert last.startswith(lang.not_a_diagnosis) and lang.number in last
    why = text.index(lang.because)
    assert lang.why[level] in text[why:], "the reason must follow 'because you said'"
    # the red-flag banner: on every emergency and whenever a red flag was answered yes
    has_flag = level in (AMB, ED, URGENT)  # fever is a red flag; sharp pain and DOMS are not
    assert (lang.banner in text) is has_flag
    if has_flag:
        assert lines(text)[0] == lang.banner


@pytest.mark.parametrize(("lang_id", "level"), CASES)
def test_outcome_offers_the_followups(engine: Engine, lang_id: str, level: str) -> None:
    lang = LANGS[lang_id]
    chat, _ = reach(engine, lang, level)
    wanted = ["summary"] if level in EMERGENCY else ["doms_vs_injury", "prevention", "summary"]
    assert set(wanted) <= set(chat.choices)
    assert chat.choices[-1] == "restart"
    menu = chat.replies[-1]
    for choice in menu.choices:
        if choice.id in lang.followup_labels:
            assert choice.label == lang.followup_labels[choice.id]


# -- emergency screens -------------------------------------------------------------------


@pytest.mark.parametrize("lang_id", LANGS)
def test_ambulance_screen_puts_the_call_first(engine: Engine, lang_id: str) -> None:
    lang = LANGS[lang_id]
    chat, outcome = reach(engine, lang, AMB)
    first, second = lines(outcome.text)[:2]
    assert first == lang.banner
    assert second == lang.heading[AMB] and lang.number in second
    assert line_with(outcome.text, lang.no_drive[AMB]).startswith("2. ")
    for step in lang.ambulance_steps:
        assert step in outcome.text
    # only "while you wait" items: no home first aid that could delay the call
    assert lang.first_aid["no_heat"] not in outcome.text
    assert lang.first_aid["minutes"] not in outcome.text
    assert set(chat.choices) == {"summary", "restart"}


@pytest.mark.parametrize("lang_id", LANGS)
def test_department_screen_says_go_now_dont_drive_and_the_number(
    engine: Engine, lang_id: str
) -> None:
    lang = LANGS[lang_id]
    chat, outcome = reach(engine, lang, ED)
    first, second = lines(outcome.text)[:2]
    assert first == lang.banner
    assert second == lang.heading[ED] and lang.number in second  # the number after the banner
    assert line_with(outcome.text, lang.no_drive[ED]).startswith("2. ")
    for step in lang.department_steps:
        assert step in outcome.text
    assert lang.number in line_with(outcome.text, lang.department_steps[0])
    assert lang.first_aid["no_heat"] not in outcome.text
    assert set(chat.choices) == {"summary", "restart"}


# -- non-emergency screens: first aid and safety net -------------------------------------


@pytest.mark.parametrize(
    ("lang_id", "level"),
    [pytest.param(lang, level, id=f"{lang}-{level}") for lang in LANGS for level in NON_EMERGENCY],
)
def test_first_aid_steps_are_numbered_and_complete(
    engine: Engine, lang_id: str, level: str
) -> None:
    lang = LANGS[lang_id]
    _, outcome = reach(engine, lang, level)
    text = outcome.text
    steps = numbered(text)
    assert len(steps) >= 6 and steps == list(range(1, len(steps) + 1)), steps
    for what, needle in lang.first_aid.items():
        assert re.match(r"\d+\. ", line_with(text, needle)), f"{what} is not a numbered step"
    assert sum(p in text for p in lang.positions) >= 2
    # the first aid comes after the level's own advice (referral first for urgent_doctor)
    assert text.index(lang.heading[level]) < text.index(lang.first_aid["cold_wrapped"])
    safety = text.index(lang.safety_net["emergency"])
    assert safety > text.index(lang.first_aid["no_heat"])
    for what, needle in lang.safety_net.items():
        assert needle in text[safety:], what


@pytest.mark.parametrize("lang_id", LANGS)
def test_urgent_screen_names_urgent_line_and_emergency_number(engine: Engine, lang_id: str) -> None:
    lang = LANGS[lang_id]
    _, outcome = reach(engine, lang, URGENT)
    for needle in lang.urgent_line:
        assert needle in outcome.text


def test_russian_screens_give_112_and_103(engine: Engine) -> None:
    _, urgent = reach(engine, RU, URGENT)
    assert "112" in urgent.text and "103" in urgent.text
    _, amb = reach(engine, RU, AMB)
    assert "112" in lines(amb.text)[1]


# -- follow-up screens -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang_id", "level"),
    [pytest.param(lang, level, id=f"{lang}-{level}") for lang in LANGS for level in NON_EMERGENCY],
)
def test_info_followups_work_and_keep_the_menu(engine: Engine, lang_id: str, level: str) -> None:
    lang = LANGS[lang_id]
    chat, _ = reach(engine, lang, level)
    for followup, heading in lang.followup_headings.items():
        replies = chat.press(followup)
        assert replies[0].kind is ReplyKind.INFO
        assert replies[0].text.startswith(heading)
        assert "lactic" not in replies[0].text.lower() and "молочн" not in replies[0].text
        assert chat.choices[-1] == "restart" and followup in chat.choices
        assert chat.level == level


@pytest.mark.parametrize(("lang_id", "level"), CASES)
def test_summary_lists_every_answer_and_the_level(engine: Engine, lang_id: str, level: str) -> None:
    lang = LANGS[lang_id]
    chat, _ = reach(engine, lang, level)
    replies = chat.press("summary")
    card = next(r for r in replies if r.key == "followups.summary.text")
    card_lines = card.text.splitlines()
    assert card_lines[0].startswith(lang.summary_title)
    assert card_lines[1] == lang.summary_result + lang.level_names[level]
    catalog = engine.catalog
    for answer in chat.session.answers:
        state = engine.flow.states[answer.question]
        choice = state.choice(answer.choice)
        assert choice is not None
        short = catalog.text(f"questions.{answer.question}.short", lang.locale)
        label = catalog.text(choice.label, lang.locale)
        assert f"• {short}: {label}" in card_lines
    bullets = [line for line in card_lines if line.startswith("• ")]
    assert len(bullets) == len(chat.session.answers)
    assert lang.summary_footer in card_lines[-1]
    assert lang.why[level].removeprefix("• ") in card.text
    assert chat.choices[-1] == "restart"


def test_summary_lists_typed_red_flags(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start()
    chat.send(EventKind.REGION, "uk")
    chat.type("I've had a fever since yesterday")
    assert walk(chat) == URGENT
    card = next(r for r in chat.press("summary") if r.key == "followups.summary.text")
    assert "• you wrote: fever or chills" in card.text
    assert "Result: See a doctor within 24 hours" in card.text


# -- disclaimer --------------------------------------------------------------------------


@pytest.mark.parametrize("lang_id", LANGS)
def test_disclaimer_at_start_and_in_about(engine: Engine, lang_id: str) -> None:
    lang = LANGS[lang_id]
    chat = Chat(engine, locale=lang.locale)
    chat.send(EventKind.REGION, lang.region)
    chat.send(EventKind.RESTART)
    welcome = chat.replies[0]
    assert welcome.key == "ui.welcome"
    assert lang.start_disclaimer in welcome.text and lang.number in welcome.text
    about = chat.send(EventKind.ABOUT)[0]
    assert about.key == "ui.about"
    assert lang.about_disclaimer in about.text and lang.number in about.text
    assert chat.question == "rf_emergency", "/about keeps the place in the check"


@pytest.mark.parametrize("lang_id", LANGS)
def test_start_disclaimer_comes_before_the_first_question(engine: Engine, lang_id: str) -> None:
    lang = LANGS[lang_id]
    chat = Chat(engine, locale=lang.locale)
    replies = chat.start()
    assert lang.start_disclaimer in replies[0].text
    assert replies[-1].question == "rf_emergency"
