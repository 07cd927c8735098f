"""Clinical vignettes: short stories of gym-goers, walked through the real flow and content.

Each vignette is what one person would tap (and sometimes type) and the level the clinical
reference (shared/reference/clinical.md, sections 2 to 4) says they must get. Red flags are
hidden among ordinary gym stories on purpose: the bot must not be lulled by "it's just DOMS".

* Every vignette must match its expected level exactly.
* Under-triage (a result less urgent than expected) of a vignette with a red flag
  (``red_flag: true`` in flows/rules.yaml) fails the suite.
* A vignette whose clinically correct level the flow cannot reach is kept with the correct
  expectation and listed in ``KNOWN_FLOW_BUGS``: it runs as ``xfail(strict=True)`` until the
  flow is fixed, and the "including known bugs" checks below stay red (as xfail) until then.

``triage_report()`` returns the summary (counts, exact matches, over- and under-triage) so it
can be printed or attached to a CI report.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from bot.core.content import load_catalog
from bot.core.engine import Engine
from bot.core.flow.parser import load_flow
from bot.core.flow.rules import Combination, TriageRules
from tests.conftest import CONTENT, FLOW, Chat, shared_detector
from tests.core.walk import CALM, walk

OUTCOME = "outcome"  # Vignette.typed[0]: type the text once the outcome screen is shown

AMB, ED, URGENT, DOCTOR, SELF = (
    "emergency_ambulance",
    "emergency_department",
    "urgent_doctor",
    "doctor",
    "self_care",
)


@dataclass(frozen=True)
class Vignette:
    """One person's story, their answers and the level clinical.md requires.

    ``answers`` maps a question id to a choice id (a list of ids for a multi question);
    unlisted questions get calm answers (tests/core/walk.py). A confirming question after
    typed text is answered under its id, e.g. ``"confirm:saddle_numbness": "not_sure"``.
    ``typed`` is ``(question id, text)``: the text is typed when that question is shown
    (or ``OUTCOME``: after the outcome screen).
    """

    id: str
    story: str
    answers: Mapping[str, str | Sequence[str]]
    expected: str
    typed: tuple[str, str] | None = None
    locale: str | None = None


VIGNETTES: tuple[Vignette, ...] = (
    Vignette(
        "amb_box_fall",
        "29, box jumps: fell backwards off a stacked plyo box onto her lower back; 'just "
        "bruised', sharp pain, no leg symptoms",
        {"rf_emergency": "accident", "onset": "during_lift", "rf_urine": ["sharp"]},
        AMB,
    ),
    Vignette(
        "amb_bar_on_back_ru",
        "41, rack pulls: the loaded bar slipped off the pins onto his lower back; can walk and "
        "wants to finish the session",
        {"rf_emergency": "accident"},
        AMB,
        locale="ru",
    ),
    Vignette(
        "amb_over50_belly_pain",
        "61, light cable rows, sure it's a pulled muscle, but strong belly pain going through to "
        "the back (aneurysm pattern)",
        {"rf_emergency": "chest_belly", "onset": "during_lift", "age": "over_50"},
        AMB,
    ),
    Vignette(
        "amb_doms_but_faint",
        "23, first leg day in a hot gym, classic next-day ache both sides, but nearly fainted in "
        "the changing room, cold and clammy",
        {"rf_emergency": "faint"},
        AMB,
    ),
    Vignette(
        "amb_confused_fever_ru",
        "35, back ache and a high fever; her partner says she is muddled and very drowsy",
        {"rf_emergency": "confused"},
        AMB,
        locale="ru",
    ),
    Vignette(
        "amb_legs_paralysed",
        "47, felt a snap during heavy good-mornings and suddenly cannot move either foot",
        {"rf_emergency": "legs_paralysed"},
        AMB,
    ),
    Vignette(
        "amb_not_sure_blackout",
        "19, deadlift PR, went light-headed and is not sure whether he blacked out",
        {"rf_emergency": "not_sure", "rf_emergency__faint": "not_sure", "age": "under_20"},
        AMB,
    ),
    Vignette(
        "amb_c1_typed_on_ed_screen",
        "38, heavy squats, numb around the back passage (A&E screen), then writes that she cannot"
        " stand up or get to the toilet (C1)",
        {"rf_hospital": "saddle_numb"},
        AMB,
        typed=("outcome", "I can't stand up or walk to the toilet"),
    ),
    Vignette(
        "amb_c1_typed_mid_flow_ru",
        "44, after squats writes during the check that both legs went numb and he cannot get up "
        "and reach the toilet (C1)",
        {},
        AMB,
        typed=("rf_urine", "обе ноги онемели, не могу встать и дойти до туалета"),
        locale="ru",
    ),
    Vignette(
        "amb_chest_typed_ru",
        "52, 'just tight from deadlifts', but types mid-check that his chest feels squeezed",
        {"age": "over_50"},
        AMB,
        typed=("onset", "давит в груди"),
        locale="ru",
    ),
    Vignette(
        "amb_c1_buttons",
        "33, heavy squats: tingling and numbness down both legs, and still cannot get up off the "
        "floor after half an hour lying down (C1 by buttons)",
        {"rf_hospital": "both_legs", "ed_transport": "cannot_travel"},
        AMB,
    ),
    Vignette(
        "amb_c1_cola_urine_cannot_travel_ru",
        "20, 'worst DOMS ever' after a 100-rep challenge: cola-dark urine, and he cannot get off "
        "the sofa to go to hospital (C1)",
        {"ed_transport": "cannot_travel", "rf_urine": ["dark_urine"]},
        AMB,
        locale="ru",
    ),
    Vignette(
        "amb_c1_transport_not_sure",
        "36, saddle numbness after heavy squats; not sure she could stand and get to hospital "
        "(C1, unsure = yes)",
        {"rf_hospital": "saddle_numb", "ed_transport": "not_sure"},
        AMB,
    ),
    Vignette(
        "amb_chest_typed_at_transport",
        "43, both legs tingling after squats; at the 'can you get there' question he types that "
        "his chest is tight",
        {"rf_hospital": "both_legs"},
        AMB,
        typed=("ed_transport", "my chest feels tight and I have chest pain"),
    ),
    Vignette(
        "ed_doms_but_saddle_numb",
        "27, RDLs yesterday, dull ache both sides, classic DOMS, but toilet paper feels odd when "
        "wiping",
        {"rf_hospital": "saddle_numb"},
        ED,
    ),
    Vignette(
        "ed_just_sore_cola_urine",
        "22, first class of high-rep back extensions, 'just sore', but his urine is dark like cola",
        {"rf_urine": ["dark_urine"]},
        ED,
    ),
    Vignette(
        "ed_c3_young_fever_immune",
        "24, young lifter on infliximab for Crohn's, ache after training, now 38.4 °C with chills"
        " (C3)",
        {"rf_urine": ["fever"], "about": ["weak_immunity"]},
        ED,
    ),
    Vignette(
        "ed_c6_cancer_below_knee",
        "46, breast cancer treated 6 years ago, now pain shooting down one calf after deadlifts "
        "(C6)",
        {"onset": "during_lift", "rf_urine": ["below_knee", "sharp"], "about": ["cancer"]},
        ED,
    ),
    Vignette(
        "ed_both_legs_tingle_after_squats",
        "30, heavy squats, pins and needles in both legs from the buttocks to the calves",
        {"rf_hospital": "both_legs", "onset": "during_lift"},
        ED,
    ),
    Vignette(
        "ed_c4_fever_sciatica_ru",
        "36, shivery with a fever for two days plus pain shooting below one knee (C4)",
        {"rf_urine": ["fever", "below_knee"]},
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_c5_fever_flank",
        "28, dehydrated after a long session, pain under the ribs on one side, now 38.6 °C and "
        "shaking (C5)",
        {"onset": "gradual", "rf_urine": ["flank", "fever"]},
        ED,
    ),
    Vignette(
        "ed_c7_over50_severe",
        "57, reached for a kettlebell, pain so strong she can barely move or talk (C7)",
        {"onset": "during_lift", "age": "over_50", "rf_urine": ["severe", "sharp"]},
        ED,
    ),
    Vignette(
        "ed_c7_over50_flank_ru",
        "64, 'kidney stone' pain in the side of the back after the rowing machine (C7)",
        {"age": "over_50", "rf_urine": ["flank"]},
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_c9_osteoporosis_severe",
        "49, known osteoporosis, light goblet squat, now in so much pain she can barely move (C9)",
        {"onset": "during_lift", "rf_urine": ["severe"], "about": ["fragile_bones"]},
        ED,
    ),
    Vignette(
        "ed_bladder_not_sure_ru",
        "31, deadlifts, not sure whether his stream is weaker than usual",
        {"rf_hospital": "not_sure", "rf_hospital__bladder_bowel": "not_sure"},
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_typed_doubt_saddle",
        "26, DOMS story; types that he is not sure if it is numb down there, then taps 'Not sure'",
        {"confirm:saddle_numbness": "not_sure"},
        ED,
        typed=("rf_emergency", "not sure if it's numb down there"),
    ),
    Vignette(
        "ed_leg_giving_way",
        "39, one leg keeps giving way on the stairs since yesterday's deadlifts, getting worse",
        {"rf_hospital": "leg_weaker"},
        ED,
    ),
    Vignette(
        "ed_foot_drop",
        "42, toes catch on the floor and the foot slaps since heavy rows",
        {"rf_hospital": "foot_drop", "rf_urine": ["sharp"]},
        ED,
    ),
    Vignette(
        "ed_new_erection_problem",
        "34, since a heavy deadlift session cannot keep an erection; back 'only sore'",
        {"rf_hospital": "erection"},
        ED,
    ),
    Vignette(
        "ed_walk_not_sure",
        "26, stuck lying on the gym floor, hasn't tried to get up yet",
        {
            "rf_hospital": "not_sure",
            "rf_hospital__cannot_walk": "not_sure",
            "rf_urine": ["sharp"],
        },
        ED,
    ),
    Vignette(
        "ed_urine_not_sure",
        "21, 'sore all over' after a 300-rep challenge, not sure whether his pee is darker",
        {"rf_urine__dark_urine": "not_sure", "rf_urine": ["not_sure"]},
        ED,
    ),
    Vignette(
        "ed_typed_wet_ru",
        "25, leg day; writes 'I think I wet myself' and confirms",
        {"confirm:bladder_or_bowel_dysfunction": "confirm_yes"},
        ED,
        typed=("onset", "кажется, я описался"),
        locale="ru",
    ),
    Vignette(
        "urg_c8_over50_sudden_lift",
        "58, deadlift, sudden pain at a specific rep, dull on one side, no other signs (C8)",
        {"onset": "during_lift", "age": "over_50"},
        URGENT,
    ),
    Vignette(
        "urg_c10_pregnant_burning",
        "29, 20 weeks pregnant, ache after a gym class and burning when peeing (C10)",
        {"pregnancy_signs": "none_of_these", "rf_urine": ["burning"], "about": ["pregnant"]},
        URGENT,
    ),
    Vignette(
        "urg_c10_pregnant_lift_ru",
        "32, pregnant, sudden pain lifting a kettlebell off the floor (C10)",
        {"onset": "during_lift", "pregnancy_signs": "none_of_these", "about": ["pregnant"]},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "urg_c2_sciatica_numb",
        "35, deadlift PR, felt a pop, pain down to the calf and a numb outer shin (C2)",
        {"onset": "during_lift", "rf_urine": ["below_knee", "numb_leg", "sharp"]},
        URGENT,
    ),
    Vignette(
        "urg_cured_cancer_doms",
        "44, melanoma removed 10 years ago ('cured'), typical next-day DOMS after RDLs",
        {"about": ["cancer"]},
        URGENT,
    ),
    Vignette(
        "urg_night_pain",
        "38, back pain wakes him every night for a week and rest doesn't help",
        {"onset": "gradual", "course": "over_three_days", "rf_urine": ["night_pain"]},
        URGENT,
    ),
    Vignette(
        "urg_weight_loss_ru",
        "27, lost 6 kg in two months without cutting, back ache after rows",
        {"rf_urine": ["weight_loss"]},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "urg_one_leg_weak",
        "33, cannot rise on the toes of the left foot since yesterday's deadlift, not getting "
        "worse",
        {"onset": "during_lift", "rf_urine": ["weak_leg"]},
        URGENT,
    ),
    Vignette(
        "urg_typed_fever",
        "30, DOMS after a new programme; types mid-check that she has chills and 38.5 °C",
        {},
        URGENT,
        typed=("onset", "I've had chills and a temperature of 38.5 since yesterday"),
    ),
    Vignette(
        "urg_leg_not_sure",
        "25, something odd down one leg after squats, not sure if it's pain or numbness",
        {"rf_urine__weak_leg": "not_sure", "rf_urine": ["not_sure"]},
        URGENT,
    ),
    Vignette(
        "urg_cough_jolt",
        "31, pain shoots through the back every time he sneezes",
        {"rf_urine": ["cough", "sharp"]},
        URGENT,
    ),
    Vignette(
        "urg_nothing_eases",
        "40, ache on one side that nothing eases, lying, sitting or standing",
        {"rf_urine": ["constant"]},
        URGENT,
    ),
    Vignette(
        "urg_severe_young",
        "24, can barely get off the bench and can hardly talk for the pain",
        {"onset": "during_lift", "rf_urine": ["severe", "sharp"]},
        URGENT,
    ),
    Vignette(
        "urg_transplant_no_fever_ru",
        "37, kidney transplant on anti-rejection tablets, back ache after training, no fever",
        {"about": ["weak_immunity"]},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "urg_new_lump",
        "45, noticed a new bump on the spine after a heavy week",
        {"rf_urine": ["lump"]},
        URGENT,
    ),
    Vignette(
        "urg_c10_pregnant_flank",
        "34, pregnant, pain in the side under the ribs after a prenatal class (C10)",
        {"pregnancy_signs": "none_of_these", "rf_urine": ["flank"], "about": ["pregnant"]},
        URGENT,
    ),
    Vignette(
        "doc_deadlift_pr_pop",
        "34, deadlift PR attempt, felt a pop, sharp pain one side, no leg symptoms",
        {"onset": "during_lift", "course": "same", "rf_urine": ["sharp"]},
        DOCTOR,
    ),
    Vignette(
        "doc_sciatica_one_leg",
        "30, pain shooting down the back of one leg to the calf after squats, nothing else",
        {"rf_urine": ["below_knee"]},
        DOCTOR,
    ),
    Vignette(
        "doc_numb_shin_ru",
        "28, a numb patch on one outer shin after deadlifts, no pain below the knee",
        {"rf_urine": ["numb_leg"]},
        DOCTOR,
        locale="ru",
    ),
    Vignette(
        "doc_doms_day5",
        "26, RDL soreness is still not clearly better on day 5",
        {"course": "over_three_days"},
        DOCTOR,
    ),
    Vignette(
        "doc_recurrent_ru",
        "33, third back episode after training this season, otherwise ordinary soreness",
        {"course": "recurrent"},
        DOCTOR,
        locale="ru",
    ),
    Vignette(
        "doc_teen_doms",
        "17, school weight-training club, classic next-day DOMS",
        {"age": "under_20"},
        DOCTOR,
    ),
    Vignette(
        "doc_over50_doms",
        "55, next-day stiffness on both sides after a new machine circuit",
        {"age": "over_50"},
        DOCTOR,
    ),
    Vignette(
        "doc_pregnant_doms",
        "30, pregnant, next-day dull ache on both sides after a prenatal class",
        {"pregnancy_signs": "none_of_these", "about": ["pregnant"]},
        DOCTOR,
    ),
    Vignette(
        "urg_burning_not_pregnant",
        "24, DOMS after RDLs, and it also burns when he pees (clinical.md 3.2: possible kidney "
        "infection, urgent_doctor)",
        {"rf_urine": ["burning"]},
        URGENT,
    ),
    Vignette(
        "doc_getting_worse",
        "29, soreness getting worse each day instead of easing",
        {"course": "worse"},
        DOCTOR,
    ),
    Vignette(
        "doc_character_not_sure",
        "22, first month in the gym, can't tell whether the pain is sharp or dull (house policy: "
        "unsure counts as sharp)",
        {"rf_urine__sharp": "not_sure", "rf_urine": ["not_sure"]},
        DOCTOR,
    ),
    Vignette(
        "doc_pregnancy_not_sure_ru",
        "27, DOMS story, not sure whether she might be pregnant",
        {"about__pregnant": "not_sure", "pregnancy_signs": "none_of_these", "about": ["not_sure"]},
        DOCTOR,
        locale="ru",
    ),
    Vignette(
        "sc_classic_doms",
        "25, first RDL session in months; next day a dull stiff ache on both sides that settles "
        "at rest",
        {},
        SELF,
    ),
    Vignette(
        "sc_twinge_during_lift",
        "34, felt a twinge on the last deadlift rep; dull on one side, settles lying down, "
        "already easing",
        {"onset": "during_lift"},
        SELF,
    ),
    Vignette(
        "sc_classic_doms_ru",
        "28, new back-extension programme, next-day ache both sides, getting better",
        {},
        SELF,
        locale="ru",
    ),
    Vignette(
        "sc_gradual_one_side",
        "31, ache came on gradually on one side, eases a little at rest, day 2",
        {"onset": "gradual", "course": "same"},
        SELF,
    ),
    Vignette(
        "sc_onset_not_sure",
        "24, can't say when the ache started; dull on both sides, settles at rest",
        {"onset": "not_sure"},
        SELF,
    ),
    Vignette(
        "sc_gym_talk",
        "27, writes gym talk that merely shares words with red flags",
        {},
        SELF,
        typed=("onset", "my legs are dead after squats and the chest press was hard"),
    ),
    Vignette(
        "sc_gym_talk_ru",
        "30, writes that his muscles ache after deadlifts",
        {},
        SELF,
        typed=("course", "болят мышцы после становой"),
        locale="ru",
    ),
    Vignette(
        "sc_negated_red_flags",
        "26, volunteers that there is no numbness down there and peeing is normal",
        {},
        SELF,
        typed=("rf_hospital", "no numbness down there and peeing is normal"),
    ),
    Vignette(
        "sc_doubt_then_no",
        "29, wonders in text whether it is numb down there, then answers that it isn't",
        {"confirm:saddle_numbness": "confirm_no"},
        SELF,
        typed=("rf_emergency", "not sure if it's numb down there"),
    ),
    Vignette(
        "sc_leg_day_hyperbole",
        "22, 'can't walk after leg day lol', confirms it's just soreness",
        {"confirm:cannot_walk_or_care_for_self": "confirm_no"},
        SELF,
        typed=("rf_urine", "can't walk after leg day lol"),
    ),
    Vignette(
        "amb_c1_rhabdo_urine_then_cannot_travel",
        "26, 300-rep CrossFit challenge yesterday: 'worst DOMS of my life', cola-dark urine, and "
        "is not sure she could get up and reach a hospital (C1; urine asked before any stop)",
        {"rf_urine": ["dark_urine"], "ed_transport": "not_sure"},
        AMB,
    ),
    Vignette(
        "amb_c1_rhabdo_too_painful_ru",
        "24, first spin class: brown urine and thighs too painful to move (C1, C11)",
        {"rf_urine": ["swollen_muscles", "dark_urine"], "ed_transport": "too_painful"},
        AMB,
        locale="ru",
    ),
    Vignette(
        "amb_c1_cannot_walk_then_saddle",
        "41, heavy squats: can't get up off the floor after 30 minutes, and when asked, numb "
        "around the back passage (C1 via the 'any of these too?' question)",
        {"rf_hospital": "cannot_walk", "rf_walk_more": "saddle_numb"},
        AMB,
    ),
    Vignette(
        "amb_c1_cannot_walk_unsure_ru",
        "50, deadlift: can't stand, unsure about the other hospital signs (unsure = yes, C1)",
        {"rf_hospital": "cannot_walk", "rf_walk_more": "not_sure"},
        AMB,
        locale="ru",
    ),
    Vignette(
        "ed_cannot_walk_alone",
        "35, back spasm after rows: can't get to the toilet alone, no other hospital sign",
        {"rf_hospital": "cannot_walk", "rf_walk_more": "none_of_these"},
        ED,
    ),
    Vignette(
        "ed_red_urine_after_spin",
        "19, first spin class: pink-red urine the next morning, thighs very sore (red urine "
        "after training counts as dark urine, clinical.md 3.1)",
        {"rf_urine": ["dark_urine"], "age": "under_20"},
        ED,
    ),
    Vignette(
        "urg_swollen_muscles_normal_urine",
        "28, hundreds of back extensions: lower back muscles swollen and hard, far worse than "
        "usual soreness, urine normal (same-day CK test, clinical.md 3.2)",
        {"rf_urine": ["swollen_muscles"], "onset": "next_day"},
        URGENT,
    ),
    Vignette(
        "ed_c11_swollen_and_cannot_move",
        "30, CrossFit: swollen, rock-hard back muscles and can barely move, urine still looks "
        "normal (C11)",
        {"rf_urine": ["swollen_muscles", "severe"]},
        ED,
    ),
    Vignette(
        "ed_c11_swollen_severe_ru",
        "23, 'убил спину' on a first high-rep class: swollen muscles, can barely move (C11)",
        {"rf_urine": ["swollen_muscles", "severe"], "onset": "next_day"},
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_groin_testicle_after_deadlift",
        "34, heavy deadlift: sudden pain and swelling in one testicle along with the back pain "
        "(possible torsion or strangulated hernia, clinical.md 3.1)",
        {"rf_hospital": "groin", "onset": "during_lift"},
        ED,
    ),
    Vignette(
        "ed_groin_lump_ru",
        "45, squats: a groin lump that became painful and won't go back in",
        {"rf_hospital": "groin"},
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_pulsing_belly_known_aneurysm",
        "63, told last year he has a small aortic aneurysm; back ache after rows",
        {"rf_hospital": "pulsing_belly", "age": "over_50"},
        ED,
    ),
    Vignette(
        "amb_c13_pulsing_belly_too_painful",
        "67, throbbing in the belly like a heartbeat and back pain so strong he can't move (C13)",
        {"rf_hospital": "pulsing_belly", "ed_transport": "too_painful"},
        AMB,
    ),
    Vignette(
        "ed_c7_over50_constant_pain",
        "58, cable rows: pain there all the time, no position eases it (C7 extended, possible "
        "aneurysm)",
        {"rf_urine": ["constant"], "age": "over_50"},
        ED,
    ),
    Vignette(
        "ed_c7_over50_constant_ru",
        "61, постоянная боль, ни одна поза не помогает (C7)",
        {"rf_urine": ["constant"], "onset": "gradual", "age": "over_50"},
        ED,
        locale="ru",
    ),
    Vignette(
        "urg_c12_over50_slipped_in_shower",
        "57, slipped on the wet gym floor and landed on her bottom; dull ache since (C12, "
        "possible fracture)",
        {"onset": "small_fall", "age": "over_50"},
        URGENT,
    ),
    Vignette(
        "urg_c12_over50_jolt_ru",
        "64, жёстко приземлился с тумбы: небольшой толчок, ноет поясница (C12)",
        {"onset": "small_fall", "course": "same", "age": "over_50"},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "doc_small_fall_young",
        "27, missed a step off the plyo box (low, standing height), dull ache (minor fall alone)",
        {"onset": "small_fall"},
        DOCTOR,
    ),
    Vignette(
        "urg_c14_pregnant_small_fall_ru",
        "31, 24 weeks pregnant, slipped in the changing room and sat down hard (C14)",
        {"onset": "small_fall", "about": ["pregnant"], "pregnancy_signs": "none_of_these"},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "ed_pregnancy_warning_signs",
        "33, 30 weeks pregnant, back ache after a light class, now regular tightenings of the "
        "bump (maternity unit today)",
        {"about": ["pregnant"], "pregnancy_signs": "signs"},
        ED,
    ),
    Vignette(
        "ed_pregnancy_unsure_signs_unsure_ru",
        "29, might be pregnant, not sure whether the cramps come in waves (unsure = yes)",
        {
            "about": ["not_sure"],
            "about__pregnant": "not_sure",
            "pregnancy_signs": "not_sure",
        },
        ED,
        locale="ru",
    ),
    Vignette(
        "ed_c3_steroid_injector_fever",
        "32, injects anabolic steroids bought online, shares vials at the gym; back pain and "
        "38.6 °C (C3, clinical.md 3.2)",
        {"rf_urine": ["fever"], "about": ["injects"]},
        ED,
    ),
    Vignette(
        "ed_c3_spine_injection_fever_ru",
        "52, had a 'блокада' into the spine six weeks ago; now fever and back pain after the gym "
        "(C3)",
        {"rf_urine": ["fever"], "about": ["spine_procedure"], "age": "over_50"},
        ED,
        locale="ru",
    ),
    Vignette(
        "urg_peptides_no_fever",
        "25, injects peptides without a prescription; sore back after deadlifts, no fever",
        {"about": ["injects"], "onset": "next_day"},
        URGENT,
    ),
    Vignette(
        "ed_c3_unsure_fever_unsure_immunity",
        "40, feels shivery but has no thermometer, and isn't sure whether her arthritis "
        "injections weaken immunity (unsure = yes for each, C3)",
        {
            "rf_urine": ["not_sure"],
            "rf_urine__fever": "not_sure",
            "about": ["not_sure"],
            "about__weak_immunity": "not_sure",
        },
        ED,
    ),
    Vignette(
        "sc_first_screen_unsure_then_all_no",
        "24, taps 'Not sure' on the first screen out of caution, then answers no to each "
        "single question: not an ambulance in one tap any more",
        {"rf_emergency": "not_sure"},
        SELF,
    ),
    Vignette(
        "amb_first_screen_unsure_fainting_ru",
        "38, unsure on the first screen, then unsure whether she nearly fainted (unsure = yes)",
        {"rf_emergency": "not_sure", "rf_emergency__faint": "not_sure"},
        AMB,
        locale="ru",
    ),
    Vignette(
        "urg_burning_when_peeing_ru",
        "27, жжение при мочеиспускании и боль в пояснице после тренировки (possible kidney "
        "infection, urgent_doctor)",
        {"rf_urine": ["burning"]},
        URGENT,
        locale="ru",
    ),
    Vignette(
        "ed_urine_unsure_ru",
        "21, not sure whether the urine is darker than usual after a 100-burpee challenge",
        {"rf_urine": ["not_sure"], "rf_urine__dark_urine": "not_sure"},
        ED,
        locale="ru",
    ),
    Vignette(
        "doc_over50_classic_doms_ru",
        "55, lifts for years, classic next-day ache on both sides: age alone is 'doctor', first "
        "aid first",
        {"age": "over_50"},
        DOCTOR,
        locale="ru",
    ),
)

KNOWN_FLOW_BUGS: dict[str, str] = {
    # vignette id -> why the flow cannot reach the clinically correct level (strict xfail).
    # Empty since commit ad1ba8f (the ed_transport question made C1 reachable from buttons).
}

BY_ID = {v.id: v for v in VIGNETTES}


def _params() -> list[Any]:
    out = []
    for v in VIGNETTES:
        marks = []
        if v.id in KNOWN_FLOW_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FLOW_BUGS[v.id]))
        out.append(pytest.param(v, id=v.id, marks=marks))
    return out


# -- running a vignette ------------------------------------------------------------------


def _walk_to(chat: Chat, answers: Mapping[str, str | Sequence[str]], question: str) -> None:
    """Answer like ``walk`` until ``question`` is on screen (before answering it)."""
    chat.start()
    queued: dict[str, list[str]] = {}
    for _ in range(60):
        current = chat.question
        if current == question:
            return
        if chat.level is not None or current is None:
            raise AssertionError(f"{question} was never asked (ended at {chat.level})")
        wanted = answers.get(current, CALM.get(current))
        if isinstance(wanted, str) or wanted is None:
            chat.press(wanted or "")
            continue
        pending = queued.setdefault(current, list(wanted))
        chat.press(pending.pop(0) if pending else "none_of_these")
    raise AssertionError(f"{question} not reached within 60 answers")


def run(engine: Engine, vignette: Vignette) -> Chat:
    """Play ``vignette`` through the engine; the chat holds the final session and replies."""
    chat = Chat(engine, user=vignette.id, locale=vignette.locale)
    if vignette.typed is not None:
        at, text = vignette.typed
        if at == OUTCOME:
            walk(chat, vignette.answers)
        else:
            _walk_to(chat, vignette.answers, at)
        chat.type(text)
        confirm = [q for q in vignette.answers if q.startswith("confirm:")]
        if confirm:  # doubt in typed text must get a direct confirming question, not silence
            assert chat.question == confirm[0], f"{vignette.id}: no confirming question"
    walk(chat, vignette.answers)
    return chat


def red_flags(engine: Engine, vignette: Vignette, chat: Chat | None = None) -> set[str]:
    """Red-flag findings in the story: from its answers (asked or not) and what was noted."""
    flow, rules = engine.flow, engine.flow.rules
    found = set(chat.session.findings) if chat is not None else set()
    for question, ids in vignette.answers.items():
        state = flow.states.get(question)
        if state is None:
            continue
        for choice_id in [ids] if isinstance(ids, str) else ids:
            choice = state.choice(choice_id)
            if choice is not None:
                found.update(choice.findings)
    return {f for f in found if rules.findings[f].red_flag}


def fired(rules: TriageRules, findings: Sequence[str]) -> list[str]:
    """Ids of the combinations (C1..C14) whose conditions ``findings`` meet."""
    present = set(findings)

    def holds(c: Combination) -> bool:
        if not all(f in present for f in c.all):
            return False
        if c.any and not present.intersection(c.any):
            return False
        if c.any_other_with_level is not None:
            others = present - set(c.all)
            return any(rules.findings[f].level == c.any_other_with_level for f in others)
        return True

    return [c.id for c in rules.combinations if holds(c)]


@dataclass(frozen=True)
class Result:
    vignette: Vignette
    got: str | None
    findings: tuple[str, ...]
    red_flags: frozenset[str]
    error: str | None = None


def evaluate(engine: Engine, vignette: Vignette) -> Result:
    try:
        chat = run(engine, vignette)
    except AssertionError as exc:
        return Result(vignette, None, (), frozenset(red_flags(engine, vignette)), str(exc))
    return Result(
        vignette,
        chat.level,
        tuple(chat.session.findings),
        frozenset(red_flags(engine, vignette, chat)),
    )


@functools.cache
def _default_engine() -> Engine:
    return Engine(
        load_flow(FLOW),
        load_catalog(CONTENT),
        shared_detector(),
        clock=lambda: 1_800_000_000.0,
    )


@functools.cache
def _results() -> tuple[Result, ...]:
    engine = _default_engine()
    return tuple(evaluate(engine, v) for v in VIGNETTES)


def triage_report() -> dict[str, Any]:
    """The vignette summary: counts per level, exact matches, over- and under-triage.

    ``checked`` excludes ``KNOWN_FLOW_BUGS`` (they are strict xfails and listed under
    ``known_flow_bugs`` with what the flow actually gave); ``all_*`` keys include them.
    """
    rules = _default_engine().flow.rules
    worst = len(rules.levels)  # "no level" ranks below self_care: it is under-triage

    def rank(level: str | None) -> int:
        return rules.rank(level) if level is not None else worst

    def summarise(results: Sequence[Result]) -> dict[str, Any]:
        over = [r.vignette.id for r in results if rank(r.got) < rank(r.vignette.expected)]
        under = [r.vignette.id for r in results if rank(r.got) > rank(r.vignette.expected)]
        flagged = {r.vignette.id: bool(r.red_flags) for r in results}
        return {
            "total": len(results),
            "exact": sum(r.got == r.vignette.expected for r in results),
            "over_triage": over,
            "under_triage": under,
            "under_triage_red_flag": [i for i in under if flagged[i]],
        }

    results = _results()
    checked = [r for r in results if r.vignette.id not in KNOWN_FLOW_BUGS]
    per_level = {lv: sum(v.expected == lv for v in VIGNETTES) for lv in rules.levels}
    combos: dict[str, list[str]] = {c.id: [] for c in rules.combinations}
    for r in checked:
        for cid in fired(rules, r.findings):
            combos[cid].append(r.vignette.id)
    return {
        "per_level": per_level,
        "locales": {
            "en": sum(v.locale in (None, "en") for v in VIGNETTES),
            "ru": sum(v.locale == "ru" for v in VIGNETTES),
        },
        "red_flag_vignettes": sum(bool(r.red_flags) for r in results),
        "combinations": combos,
        "checked": summarise(checked),
        "all": summarise(results),
        "known_flow_bugs": {
            r.vignette.id: {
                "expected": r.vignette.expected,
                "got": r.got,
                "reason": KNOWN_FLOW_BUGS[r.vignette.id],
            }
            for r in results
            if r.vignette.id in KNOWN_FLOW_BUGS
        },
    }


# -- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("vignette", _params())
def test_vignette_gets_exactly_the_expected_level(engine: Engine, vignette: Vignette) -> None:
    chat = run(engine, vignette)
    assert chat.level == vignette.expected, (
        f"{vignette.story}: got {chat.level}, findings {chat.session.findings}"
    )


def test_no_red_flag_vignette_is_under_triaged() -> None:
    report = triage_report()
    assert report["checked"]["under_triage_red_flag"] == []
    assert report["checked"]["under_triage"] == []


@pytest.mark.xfail(
    bool(KNOWN_FLOW_BUGS), strict=True, reason="known flow bugs under-triage: KNOWN_FLOW_BUGS"
)
def test_no_under_triage_including_known_flow_bugs() -> None:
    assert triage_report()["all"]["under_triage_red_flag"] == []


def test_triage_report(record_property: Any) -> None:
    report = triage_report()
    record_property("triage_report", report)
    checked = report["checked"]
    print(
        f"\nvignettes: {len(VIGNETTES)} per level {report['per_level']}, "
        f"locales {report['locales']}, with red flags {report['red_flag_vignettes']}\n"
        f"exact {checked['exact']}/{checked['total']}, over-triage {len(checked['over_triage'])}, "
        f"under-triage {len(checked['under_triage'])}; known flow bugs: "
        f"{ {k: (b['expected'], b['got']) for k, b in report['known_flow_bugs'].items()} }"
    )
    assert checked["exact"] == checked["total"]
    assert checked["over_triage"] == []
    assert set(report["known_flow_bugs"]) == set(KNOWN_FLOW_BUGS)


def test_vignette_set_is_broad_enough() -> None:
    report = triage_report()
    assert len(VIGNETTES) >= 80
    assert len(BY_ID) == len(VIGNETTES), "vignette ids must be unique"
    assert all(n >= 6 for n in report["per_level"].values()), report["per_level"]
    unexercised = [cid for cid, ids in report["combinations"].items() if not ids]
    assert unexercised == [], f"combinations never exercised: {unexercised}"
    assert report["locales"]["ru"] >= 20
    not_sure = [
        v.id
        for v in VIGNETTES
        for ids in v.answers.values()
        if "not_sure" in ([ids] if isinstance(ids, str) else ids)
    ]
    assert len(not_sure) >= 6
    assert sum(v.typed is not None for v in VIGNETTES) >= 6


def test_hidden_red_flags_are_counted_as_red_flags(engine: Engine) -> None:
    # The "mild story" vignettes must be recognised as red-flag cases by the under-triage check.
    for vid in (
        "ed_doms_but_saddle_numb",
        "ed_just_sore_cola_urine",
        "ed_c3_young_fever_immune",
        "urg_c8_over50_sudden_lift",
        "ed_c6_cancer_below_knee",
        "ed_both_legs_tingle_after_squats",
        "amb_box_fall",
    ):
        result = evaluate(engine, BY_ID[vid])
        if vid == "urg_c8_over50_sudden_lift":
            assert not result.red_flags  # C8 is a combination of modifiers, not a red flag
        else:
            assert result.red_flags, vid


def test_typed_red_flag_is_reported_as_you_wrote(engine: Engine) -> None:
    chat = run(engine, BY_ID["urg_typed_fever"])
    outcome = next(r for r in chat.replies if r.question == "out_urgent_doctor")
    assert "you wrote: fever or chills" in outcome.text
