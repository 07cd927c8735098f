"""Reserved ids and the texts the code (not the flow) asks for, in one place.

A flow names its own states and choices; a few ids mean something to the code itself (the
"start a new check" button under an outcome, the follow-ups that schedule reminders, the side
questions the engine asks). They are declared here so the flow checks, the engine, the
renderer and the aftercare agree, and so ``backcheck validate`` can prove every locale has
every text the code uses.
"""

from __future__ import annotations

from typing import Final

# -- buttons under an outcome -------------------------------------------------------------------
RESTART: Final = "restart"
SET_REGION: Final = "set_region"
SUMMARY: Final = "summary"
COMPRESS_TIMER: Final = "compress_timer"
CHECKINS: Final = "checkins"
#: Follow-ups that schedule reminders; hidden when BACKCHECK_FOLLOWUPS=false.
REMINDER_FOLLOWUPS: Final = (COMPRESS_TIMER, CHECKINS)
#: Follow-ups the code answers itself: they have a label in content but no ``.text``.
SPECIAL_FOLLOWUPS: Final = frozenset({SUMMARY, *REMINDER_FOLLOWUPS})

# -- side questions (prompts) and their answers --------------------------------------------------
CONFIRM: Final = "confirm:"
LANGUAGE: Final = "language"
REGION: Final = "region"
PROMPT_COMPRESS: Final = "compress"
PROMPT_CHECKIN: Final = "checkin"
PROMPT_ZONE: Final = "zone:"
CONFIRM_YES: Final = "confirm_yes"
CONFIRM_NO: Final = "confirm_no"
CONFIRM_UNSURE: Final = "not_sure"
BETTER, SAME, WORSE, NEW_SYMPTOM = "better", "same", "worse", "new_symptom"
START_TIMER, REMIND_NEXT, STOP = "start_timer", "remind_next", "stop_reminders"

#: Choice ids the code gives a label of its own (``choices.<id>`` in content).
LABELLED_CHOICES: Final = (
    BETTER, SAME, WORSE, NEW_SYMPTOM, START_TIMER, REMIND_NEXT, STOP, SET_REGION, RESTART,
    CONFIRM_YES, CONFIRM_NO, CONFIRM_UNSURE, "nothing_else", "present", "absent", "still_true",
    "change", "change_country",
)  # fmt: skip

#: Texts the engine, the renderer, the service and the adapters use directly.
UI_TEXTS: Final = (
    "welcome", "resume", "answer_this_first", "use_buttons", "back_at_start", "help", "about",
    "language_set", "region_set", "forgotten", "already_answered", "red_flag_typed",
    "red_flag_noted", "confirm", "confirm_thanks", "choose_language",
    "language_name", "anything_else", "followups", "not_a_diagnosis",
    "because", "because_nothing", "you_wrote", "summary_title", "summary_level",
    "summary_footer", "urgent_unknown_region", "error", "unavailable", "your_answer",
    "private_only", "open_private", "checkins_on", "timer_started", "compress_over",
    "compress_off", "compress_next", "next_compress_set", "checkin_question", "checkin_better",
    "checkin_same_early", "checkin_same_late", "checkin_worse", "checkin_new", "stopped",
    "no_summary", "summary_checkins", "compress_missed", "flow_updated", "number_unknown",
    "profile_confirm", "profile_nothing", "picked", "because_typed", "non_urgent", "quick_check",
    "advice_stays", "so_far",
)  # fmt: skip

#: The result screens' own texts (bot/core/render.py): action lines, steps, medicines.
RESULT_TEXTS: Final = (
    "emergency_ambulance.text", "emergency_department.text", "emergency_department.call",
    "emergency_department.dark_urine", "emergency_department.pregnancy",
    "urgent_doctor.action", "urgent_doctor.line", "urgent_doctor.muscles", "doctor.action",
    "doctor.line", "self_care.action", "self_care.line", "steps.stop", "steps.positions",
    "steps.positions_pregnant", "steps.cold", "steps.no_heat", "steps.after_72h", "steps.move",
    "steps.move_muscles", "medicines", "medicines_avoid", "medicines_pregnancy", "pregnancy",
    "safety_net",
)  # fmt: skip

#: Every content key the code uses directly, for ``backcheck validate``.
UI_KEYS: Final = (
    *(f"ui.{name}" for name in UI_TEXTS),
    *(f"choices.{choice}" for choice in LABELLED_CHOICES),
    *(f"outcomes.{name}" for name in RESULT_TEXTS),
    "console.hello",
)

#: A turn whose replies include this text began a new check: the press was not an answer.
WELCOME: Final = "ui.welcome"
