"""The labelled phrase corpus: how many typed danger signs are caught, how much gym talk is left.

Targets (issue "hear what people type"): at least 98% of danger phrases get a warning or a
confirming question, at least 95% of benign phrases get neither, and a benign phrase never
gets a certain alarm. The development part is what the lists were tuned on and must meet the
targets. The held-out parts were written before tuning and are never tuned on, so they show
what the detector does on phrasing it has not seen; their ``FLOORS`` are the figures as
measured, one phrase below each count as a margin (below the targets where they miss them:
raise a floor when the detector improves, never lower it). ``holdout``'s misses were once read
in detail; those of ``holdout2`` and ``holdout3`` were read in the fourth round of tuning,
which brought all three to the targets, so they are no longer unseen. ``holdout4`` (English,
Russian and Russian in Latin letters, written as new users would type, without looking at the
lists) was measured once before that round (83.7% / 83.3% / 6 certain alarms in English,
82.8% / 88.7% / 3 in Russian); its misses were read in the fifth round, which fixed them with
general rules, so it is no longer unseen either. Its exercise-explained chest and belly
soreness, first labelled benign, is now labelled as a confirming question, as the issue and
``dev`` want. ``holdout5`` (same kinds, same three scripts) was written before the fifth round
without looking at the lists (measured then: 90.0% / 93.8% / 2 in English, 91.2% / 92.5% / 3
in Russian); its misses were read in the sixth round, grouped by the kind of wording that
failed (a dropped apostrophe, vertigo as the world spinning, fragile bones with ordinary
loading, a helper or a job named beside "help", a call told as a story, a past finding that
stays true) and fixed as kinds, so it is no longer unseen. ``holdout6`` (same kinds, same
three scripts) was written before the sixth round without looking at the lists or the
earlier sets and is measured, never tuned on: the honest unseen figure (89.1% / 96.7% / 0 in
English, 91.8% / 98.3% / 0 in Russian before that round; 90.0% / 96.7% / 0 and 91.8% /
98.3% / 0 after it). ``holdout7`` (same kinds, same three scripts, from the finding
vocabulary of the clinical reference) was written at the start of the seventh round without
looking at the lists and measured once before any change (92.0% / 91.8% / 5 certain alarms
in English, 89.1% / 90.8% / 5 in Russian; its phrases already in older parts were removed);
its misses and false alarms were read in that round, which added the second opinion
(``concept:`` rules), relief phrases and clearing past "but" as kinds, so it is no longer
unseen (99.1% / 94.5% / 0 and 98.0% / 91.7% / 0 after it). ``holdout8`` was written in the
same round before those changes were built (by the same author, so not fully independent of
them) and measured at the end, never tuned on (only totals read): 94.1% / 92.6% / 0 in
English, 95.3% / 92.6% / 0 in Russian at 3c958a1 (the detector as it was before the round:
92.6% / 92.6% / 2 and 87.5% / 92.6% / 3); after the round's last probe-driven changes,
94.1% / 90.7% / 0 and 95.3% / 92.6% / 0: the honest unseen figure now, below the targets.
holdout6 was not read in the seventh round (only its totals) and stays unseen: 90.9% /
98.3% / 0 and 92.7% / 98.3% / 0 after it. ``holdout9`` and ``holdout10`` (same kinds, same
three scripts, stories, slang, crude words and emoji) were written together at the start of
the eighth round from the finding vocabulary, before reading the lists or any older part, and
measured once before any change (phrases already in older parts removed): holdout9 88.4% /
100% / 0 in English, 86.4% / 98.2% / 0 in Russian; holdout10 93.0% / 100% / 0 and 85.2% /
96.7% / 1. holdout9's misses and false alarms were read in that round and fixed as kinds (a
fall that did not happen clears only falls, a plea beside "can't get up", filler words inside
a phrase, "ни встать, ни сесть", chat spellings and digits in Latin-letter Russian, Russian
nouns, participles and word order, stories over several clauses, a named harmless cause that
asks instead of alarming), together with kinds the round's own probes found: 98.2% / 100% / 0
and 99.1% / 98.2% / 0 after it, so it is no longer unseen. Two of its English misses ("abs
burn after 200 crunches", "pecs are killing me after pushups") and one Russian ("грудные убиты
после отжиманий") are labelled as a confirming question, but dev and holdout4/5 label a named
muscle sore from its exercise as benign, so they stay missed. holdout10 was never read (only
its totals, which the round's changes moved while it was built) and is the honest unseen
figure: 94.8% / 100% / 0 in English, 86.7% / 96.7% / 1 in Russian at the end of the round.
holdout6 and holdout8 stay unseen: 91.8% / 98.3% / 0 and 93.6% / 98.3% / 0 (holdout6),
94.1% / 90.7% / 0 and 95.3% / 92.6% / 0 (holdout8). ``holdout11`` (Russian 102 danger and 58
benign phrases, about 15% in Latin letters; English 59 and 29; stories, slang, crude words,
every case and aspect, diminutives) was written at the start of the ninth round, before
holdout10's misses were read and before any change, and measured once then (phrases already
in older parts removed): 89.8% / 96.6% / 0 in English, 81.4% / 93.1% / 2 in Russian.
holdout10's misses and false alarms were then read and fixed as kinds: a listed nominative
plural that pymorphy3 rates a genitive singular ("бедра", "икры") kept only singular forms;
a verb now also stands for its other aspect ("сбросил" / "сбрасываю", derived and checked
against the dictionary, exact matches only); a negation in a purpose clause ("чтобы стопа не
цеплялась") denies nothing; a typo guess of an English word ("stopa" ~ "stop") no longer
hides Latin-letter Russian; and word classes for weakness told by comparison ("всё тяжелее и
тяжелее", "than last week"), pain nouns ("мука", "пытка"), "как неживая", female genitals,
self-care verbs, fillers inside a term ("без всякой диеты"), sitting/standing/lying in any
order, everyday words for fragile bones, thrown by an animal in any word order, pain bad
enough to vomit, "comfy", about to fall when dizzy, the leg's parts as legs, diminutives of
the body, an exercise named in the singular ("на выпаде"). holdout10 after the round: 100% /
100% / 0 and 100% / 98.4% / 0, so it is no longer unseen; its one benign question left, "ни
температуры, ни ..." (a "ни" denial before a noun: "ни" before a verb, "ни встать ни сесть",
is the symptom, and the detector cannot yet tell the two apart), is still asked. holdout11,
never read (only its totals), is the honest unseen figure at the end of the round: 89.8% /
96.6% / 0 in English, 86.3% / 93.1% / 2 in Russian, by the same author as the fixes, so not
fully independent of them. holdout6 and holdout8, unseen: 91.8% / 98.3% / 0 and 94.5% /
98.3% / 0 (holdout6), 94.1% / 90.7% / 0 and 95.3% / 92.6% / 0 (holdout8). ``holdout12``
(Russian 69 danger and 32 benign phrases, about 15% in Latin letters; English 48 and 29; the
same kinds) was written at the start of the tenth round, before holdout11's misses were read
and before any change, and measured once then (phrases already in older parts removed): 100%
/ 96.6% / 0 in English, 95.7% / 96.9% / 0 in Russian. holdout11's two certain alarms on benign
Russian were then read first and fixed as kinds: a listed pronoun kept every case, so "меня"
(a bar fell on me) also matched the subject "я" of the next clause ("упал гриф, но я успел
отойти"), and now a subject stays a subject and an object every object form; "ночью сплю
нормально, болит только днём" had no relief, and a quiet night or a day-only pain now is one
(a relief the match runs into, "can't sleep well", relieves nothing). Its misses were fixed as
kinds: a doubt word before a number only estimates it ("maybe 4 metres"); Russian negatives
agree ("ни разу за день не пописала": a negation before a match holding its own "не"
strengthens it); suggestive (``maybe:``) wording of an emergency finding with the workout
and its end both told ("lightheaded after sprints, drank water and it passed") is dropped
like a second opinion; and word classes for violent pain verbs, coffee- or tea-coloured urine,
lumps in the groin, a diminutive leg weaker than the other, sudden pain beside fragile bones,
"ничего не делал", metastases in slang, a widened aorta, "doesn't matter how", "killing me",
a leg dragged more each day, a crash told as a story, not feeling the paper, prefixed crawling
verbs, no step without a walker, "нет такой позы", a cough and its pain further apart; and,
from the round's own probes, time since told by an adjective ("со вчерашнего дня"), both legs
"не свои", "hard to get it up", years of steroids, wiping oneself as self-care, stuck on the
floor, a puddle of pee, a cough like a knife, "не то чтобы" as a hedge. holdout11
after the round: 100% / 100% / 0 and 99.0% / 98.3% / 0, so it is no longer unseen; left: a
relative's fragile bones ("у бабушки остеопороз, она чихнула ...": another person's
non-emergency finding is dropped by policy) and "мышцы живота болят после скручиваний",
labelled benign but asked, as the issue wants for belly soreness explained by an exercise.
holdout12, never read (only its totals, unchanged by the round), is the honest unseen figure:
100% / 96.6% / 0 in English, 95.7% / 96.9% / 0 in Russian, by the same author as the fixes.
holdout6 and holdout8, unseen: 93.6% / 98.3% / 0 and 95.5% / 98.3% / 0 (holdout6), 94.1% /
92.6% / 0 and 95.3% / 92.6% / 0 (holdout8). ``holdout13`` (70 danger and 60 benign phrases
per language, about a fifth of the Russian in Latin letters; typos, slang, crude words, emoji,
stories, and gym talk that sounds alarming) was written at the start of the eleventh round,
before holdout12's misses were read and before any change, and measured once then (phrases
already in older parts reworded): 95.7% / 91.7% / 1 certain alarm on benign in English,
92.9% / 95.0% / 0 in Russian with one certain alarm where a question was right (its floors
and ``QUESTION_ALARMS`` record both as measured). The misses of holdout12 and of holdout6 and
holdout8 were then read and fixed as kinds: an age of 70 or more told as a number and years
on steroids are a bone risk (a question); a bumped door is no lump; urine that "went dark"
is no blackout; a sexual function that stopped; crude Russian soiling ("наложил в штаны");
"не пойму с чего" as unexplained; a nerve-root injection; chest or heart pain with
breathlessness; strength draining day by day and a weakness "worse today"; forgetting words
as confusion (a question); "the part I sit on" as the saddle area; an urge that no longer
comes; "a fever for N days" as a duration (a fever for an activity stays a craze); pain on
every movement; toes that scrape or snag; "onto my toes"; "чуть ли не черная" (its "не" is
no negation) and the neuter of urine colours. The Russian grammar sets that were hard-coded
became control lists (russian_markers, ambiguous_short, neither_verbs, neither_negations,
concord), every figure unchanged by that commit. After the round: holdout6 98.2% / 98.3% / 0
and 100% / 98.3% / 0, holdout8 100% / 92.6% / 0 and 100% / 92.6% / 0, holdout12 100% /
96.6% / 0 and 98.6% / 96.9% / 0, so these three are no longer unseen; left in them: benign
labels that are asked by policy (a named muscle sore from its exercise, dark urine or a
drowsiness beside a harmless cause, a benign tumour, a dizzy spell that passed: a doubt is
asked, never silenced), "can you get me emergency help" (a question form, asked rather than
alarmed) and a relative's fragile bones. holdout13, never read (only its totals), is the
honest unseen figure at the end of the round: 95.7% / 91.7% / 1 in English (unchanged),
94.3% / 95.0% / 0 in Russian (one alarm where a question was right), by the same author as
the fixes, so not fully independent of them. Then (the lead, same session) the two
certain alarms of holdout13 were read, and only those: "a fever last month, all better" was
a certain fever, so symptoms told as over ("all better", "fully recovered", "выздоровела",
"поправился") joined ``cleared`` (holdout13 English 95.7% / 93.3% / 0); the Russian bench
press told as a verb ("жал лёжа") is still a certain chest alarm where a question was right,
left so (a verb of pressing is also how chest pressure is told, "в груди жмёт").
``holdout14`` and ``holdout15`` (English only: 259 danger and 109 benign phrases, written blind
at the start of the twelfth round by an author who read only the clinical reference, then
split by alternate phrases of each key; 27 phrases already in older parts and 35 under
findings that are no typed red flags were removed; the Russian half was never written) were
measured once before any change: 84.9% / 96.4% / 0 and 82.5% / 94.4% / 1, the honest unseen
figure at the round's start. holdout14's misses were read and fixed as kinds (a plea for a
doctor now, a bar crashing onto the back, mountain bikes, reduced feeling, ejaculation and
slang, tripping over one's own foot, swollen buttocks, awake at 3 a.m., small falls with
fragile bones, a calf that won't lift, and the new finding pregnancy_warning_signs); holdout15
was measured again after them (84.2%, so those fixes did not carry over to unseen phrasing)
and then read too, which added a history told as one (``told:``: "had leukemia as a kid, all
clear now" is still a history of cancer), pain that swaps legs, hardly any urine, heights in
metres, every press as gym context, and others; after the round 97.1% / 96.4% / 0 and 96.7% /
96.3% / 0, so neither is unseen any more. Left in them: a bystander's emergency ("my mate
passed out under the bar") is asked, not alarmed, by policy; "need one now" in the sentence
after "ambulance?" is not heard across the sentence break. holdout13, never read, stays the
honest unseen figure: 95.7% / 93.3% / 0 in English (unchanged by the round), 95.7% / 95.0%
/ 0 in Russian (one more caught, 94.3% before).

``holdout16`` and ``holdout17`` (thirteenth round, English and Russian, a third of the Russian
in Latin letters) were written blind by two new authors who read only the clinical reference,
then split by alternate phrases of each key (3 English phrases already in older parts
removed). Measured once at 5b617be, before any change: 76.6% / 92.0% / 1 and 79.9% / 95.9% /
1 in English, 73.4% / 91.5% / 1 and 77.1% / 93.0% / 1 in Russian: far below the older
held-out parts, so new writers still find wording no list has. holdout16's misses were read
and fixed as kinds ("x" for х in Latin letters, "сесть не могу" word order, a harmless cause
that is denied, someone else's emergency-level symptom asked, laughing alone asked, a calf
raise that fails on one side, and others): 91.1% / 92.0% / 0 and 89.4% / 93.0% / 0 after.
Muscles "swollen from the pump" stay a confirming question (both authors call them benign;
hard or swollen muscles are what rhabdomyolysis looks like at first, clinical.md 3.2).
holdout17's misses were never read; only its two certain alarms on benign phrases were (a
"ring 111" for a tweak, one leg's sciatica read as both), and fixed: 81.3% / 95.9% / 0 and
77.7% / 94.4% / 0, the honest unseen figure now.

``holdout18`` and ``holdout19`` (same round, English and Russian: carers, people over 50,
non-native English; surzhyk, terse and carers' Russian) and ``holdout20`` and ``holdout21``
(English only: regional and Gen-Z registers) were written blind in the same way and split
alike. Measured once before any change (at caca0eb and f3db5b1): holdout18 74.5% / 93.3% / 3
and 59.5% / 93.8% / 0, holdout19 71.5% / 100% / 0 and 65.9% / 95.2% / 0, holdout20 72.4% /
88.5% / 1, holdout21 73.3% / 88.3% / 4. The misses of holdout18 and holdout20 were read and
fixed as kinds ("q" for я and "w" for ш in Latin letters, an English word inside
Latin-letter Russian, a proxy ("his back hurts") that makes another person's findings theirs,
strongman objects, a bus stop that is no crash, hay fever that is no fever, and others):
94.4% / 98.3% / 0, 81.0% / 93.8% / 0 and 90.8% / 91.8% / 0 after. Of holdout19 and holdout21
only the certain alarms on benign phrases were read (four, fixed); their misses never were:
74.0% / 100% / 0, 70.5% / 95.2% / 0 and 73.3% / 93.3% / 0 at the end of that round, the
honest unseen figure. Fixes to a read half carried over to its unread half by 0-6 points.

In the next round no new blind set arrived; the misses of the read halves (holdout16, 18, 20)
and the round's own probes were fixed as kinds: unstressed vowels written as they sound
("памагите"), Ukrainian and Belarusian words read as the Russian they mean, Russian
impersonal forms ("не писается"), world Englishes ("motion" for the bowels, "giddy"), and
someone else's emergency said to be happening now ("what do I do") warned at once. The unread
halves, never read, moved with them: holdout17 82.6% -> 84.0% and 80.3% -> 80.9%, holdout19
74.0% -> 75.6% and 70.5% -> 72.9%, holdout21 73.3% -> 74.0% (specificity and certain alarms
unchanged).

``holdout22`` (both languages; world Englishes, and chat Russian with transliterated and
Ukrainian-flavoured lines) was written blind by a helper from clinical.md alone and measured
once before any change (c8626a3): 91.4% / 91.4% / 3 in English, 84.4% / 84.3% / 3 in Russian,
the honest unseen figure of that round. Its misses and false alarms were then read and fixed
as kinds (a negation scope cut by "it" in "doesn't make it worse", shivering from the cold,
stomach muscles that are sore, a relative named as "батя", a past injection with "с тех пор
всё отлично", an exercise bike as gym context, a slipping bar landing on the back, a baby
moving less, one leg weaker than the other, a spinal operation, Ukrainian words for the
bladder, the belly and the spine, and others): 98.4% / 94.3% / 0 and 91.9% / 88.6% / 0
after. What is still missed there is mostly another person's history (a mother's
osteoporosis, a husband's chemotherapy), which is family history by policy.

``holdout23`` (both languages; older writers, parents of teenagers who train, and coaches,
nurses and carers writing about someone in front of them; 2 English phrases already in
holdout4 removed) was written blind the same way after those fixes, and measured once before
it was read: 84.8% / 95.7% / 0 (English) and 83.3% / 90.0% / 1 (Russian) with the code of the
round's start, 85.3% / 95.7% / 0 and 83.3% / 90.0% / 1 with the holdout22 fixes, the honest
unseen figure. Its main kind was someone speaking for the person in front of them ("nurse
here", "coach here", "my son's 16", "тренер, у клиента", "Сын 15 лет"), now a proxy whose
findings count; then cough and sneeze said as "murder", swollen hard muscles, a bar landing on
the back, injecting peptides, a fever given as a reading, a relief that is the symptom's own
words ("нет положения, где бы стало легче"), and others: 97.8% / 95.7% / 0 and 94.1% /
91.4% / 0 after. The unread halves moved with them: holdout17 84.0% -> 84.7%, holdout21
74.0% -> 77.1%, Russian holdout19 72.9% -> 74.4%.

``holdout24`` (English as a second language, texting and downplaying; young, army, combat-gym
and countryside Russian) came next, written blind the same way, and was measured once before
it was read: 88.7% / 91.4% / 1 and 87.1% / 87.1% / 3 with the round's starting code, 89.2% /
91.4% / 1 and 87.6% / 87.1% / 2 with the fixes of holdout22 and 23. Read and fixed as kinds (a
relative's past osteoporosis as family history, swollen hard muscles that a clear urine does
not silence, an idiom ("рак на горе свистнет"), chopping wood that is no pins and needles,
someone who has to be dressed, a foot lifted high "like a heron", and others): 97.3% / 92.9%
/ 0 and 95.2% / 90.0% / 0 after.

Then the misses of the two halves no one had read, holdout19 (both languages) and holdout21,
were read and fixed as kinds (words mixing or in the wrong order, someone hard to wake, the
bike-seat area, no wee since last night, a slapping foot, crawling to the loo, "мужская
сила", the ambulance's number asked, Ukrainian kidney and foot words, "хоть лежи хоть ходи",
and others): holdout19 76.4% -> 90.2% and 74.4% -> 82.9%, holdout21 77.1% -> 90.8%; they
are read parts now. ``holdout25`` (medical words, formal and sarcastic registers, the person
next to the writer, what one can no longer do) was written blind after that and measured once
before it was read: 88.7% / 87.1% / 3 and 83.3% / 90.0% / 0 with the round's starting code,
89.8% / 87.1% / 3 and 84.9% / 90.0% / 0 with everything before it. Read and fixed as kinds
(someone next to the writer, "муж рядом", "he's with me now", speaks for them and makes their
emergency happen now; a bar rolling onto the back; woken only when rolling onto it is no
night pain; "nothing swollen"; and others): 97.3% / 91.4% / 0 and 96.8% / 90.0% / 0 after.
The honest unseen figures of the round are the four "before it was read" pairs: English
91.4, 85.3, 89.2, 89.8 and Russian 84.4, 83.3, 87.6, 84.9 (sensitivity, %), against 91.4,
84.8, 88.7, 88.7 and 84.4, 83.3, 87.1, 83.3 for the code the round started with.

``holdout26`` (runners, cyclists, swimmers, shift workers and new parents; regional speech;
numbers, units and emoji; alarming words used casually) closed the round: 84.9% / 91.4% / 2
and 87.6% / 84.3% / 4 with the round's starting code, 86.6% / 91.4% / 2 and 90.3% / 84.3% / 4
with everything before it (the unseen figure). Read and fixed as kinds (a joking "ambulance
for my quads", a baby that wakes you, "нужен совет" beside 🆘, and others): 95.7% / 92.9% / 0
and 95.7% / 88.6% / 0 after.

``holdout27`` (5 phrases per finding and 100 hard benign near-misses: jokes, odd denials,
someone else's illness, harmless stated causes, long-past treatments, general questions;
yoga, pilates, martial arts, dance, climbing) came last: 88.4% / 80.0% / 4 and 87.1% / 82.0%
/ 7 with the round's starting code, 89.0% / 80.0% / 4 and 91.0% / 82.0% / 7 with everything
before it (the unseen figure). Read and fixed as kinds (a ``recent:`` mode for spinal
procedures, which count only while recent; a general question, "what would it mean if",
and a joke, "шучу", "jk", that explain a suggestive finding away; a fall that only "would"
happen; reading about rhabdo; and others): 94.8% / 88.0% / 0 and 96.8% / 86.0% / 0 after.

``holdout28`` (5 per finding and 80 benign, everything mixed) was written blind against the
round's final code and measured once before it was read: 91.0% / 82.5% / 4 and 85.2% / 76.2% /
7 with the round's starting code, 92.9% / 87.5% / 2 and 85.8% / 80.0% / 6 with the final one:
the round's last honest unseen figure. Read and fixed as kinds (a short course of steroids
long ago, quitting a cycle, "the prices nearly made me faint", "бросает в жар от одной
мысли", a cough that changes nothing, long-healed injuries, and others): 96.8% / 88.8% / 0 and
89.7% / 83.8% / 0 after.

``holdout29`` (5 per finding and 80 benign: short panicked texts, non-native and colloquial
writing, a quarter about someone with the writer, a sixth of the Russian in Latin letters) was
measured once with the next session's starting code before it was read: 91.0% / 86.2% / 3 and
92.9% / 88.8% / 5. Read and fixed as kinds (the person's own body named for someone else, "her
thighs", "his side", as the sign that they are the patient; "брат у меня" as a brother, not
"I"; a relief later in the sentence, "but rolled onto my side and it went"; a hypothetical
"если вдруг будет"; pain that comes in waves; "shares needles"; a weakness worse by evening;
and others) and without the duplicates of older parts: 99.3% / 96.2% / 0 and 98.6% / 95.0% / 0
after.

``holdout30`` (5 per finding and 80 benign: older gym-goers, parents of teenagers, gym staff
about a member in front of them, voice-dictated run-ons, the symptom in a later sentence) was
measured once before it was read: 88.4% / 90.0% / 1 and 91.6% / 82.5% / 3 with the session's
starting code, 89.0% / 92.5% / 0 and 92.3% / 83.8% / 2 with the code of round 29. Read and
fixed as kinds (a ``status:`` rule, whose standing fact, "I have osteoporosis", "я беременна",
counts in any sentence of the message; a member, a client, "my 17 yo" as the patient; a bar
that fell from the rack onto the back; "гепнулся", "места себе не находит"; and others): 99.4%
/ 93.8% / 0 and 99.4% / 85.0% / 0 after.

``holdout31`` (5 per finding and 80 benign: gym jargon, teenagers, postpartum and period
near-misses, "is it normal that..." questions, lists, the symptom buried in a long workout
story, understatement, one in six of the Russian in Latin letters) was measured once with the
session's starting code before it was read: 92.9% / 90.0% / 1 and 96.1% / 86.2% / 2 on all 235
phrases (92.8% and 96.0% without the 3 and 6 near-duplicates of older parts, which were
dropped). Read and fixed as kinds (weight lost on a bulk, "w/o dieting"; a question "is it
normal to..." still says the sign; "both mine" are the legs named before; someone who has to
help me is care, not a plea; "скорее" is no ambulance; a rest day explains no blood, and a
mirror is how a crooked back is seen, so neither clears; a temperature in degrees; sitting
down on the toilet is no straining): 99.3% / 96.2% / 0 and 100.0% / 92.5% / 0 after.

``holdout32`` (5 per finding and 80 benign: regional Englishes and southern or older Russian,
timelines, numbers and units, verbless fragments, run-ons, the sign as an afterthought, mat,
Russian with English gym words) was measured once with the code of round 31 before it was
read: 92.9% / 90.0% / 0 and 92.3% / 91.2% / 0 on all 235 phrases (92.6% and 91.8% without
the 6 and 8 near-duplicates of older parts, which were dropped). Read and fixed as kinds
("his back", "her hip and back" make that person the patient; "тут со мной", "держится за
спину" too; no position "gives any relief"; a spine "gone bendy"; "puffy and firm to touch"
after a workout; "wakes me every hour"; "hit the deck" on a sneeze, "каждый чих как нож";
"can't shift an inch"; an erection that "goes soft"; "ноги не двигает"; "тук-тук" in the
belly; "nothing shooting", "nothing numb" deny as "no" does): 99.3% / 92.5% / 0 and 100.0%
/ 92.5% / 0 after.

``holdout33`` (5 per finding and 80 benign: two-word messages and fragments over several lines,
denials of other things beside the sign, minimising, clinical wording by nurses, physios and
paramedics about themselves, English and Russian of people whose first language is another)
was measured once with the code of round 32 before it was read: 89.0% / 95.0% / 0 and 90.3%
/ 95.0% / 3 on all 235 phrases (88.5% and 88.9% without the 7 and 22 near-duplicates of older
parts, which were dropped). Read and fixed as kinds (clinical words: "bilateral radicular",
"epigastric", "aggravated by coughing", "palpable step at L4", "loss of movement",
"пресинкопе", "рёберно-позвоночный угол", "самообслуживание"; "husband here" as the patient;
a melanoma "cut off me" or "удаляли" is a history however it ended; one leg weaker is asked
about even after training; a question mark no longer beats a denial, "not dizzy, just
curious: should I...?"; an ellipsis is a pause, not a stop; "колик в боку" on a run):
99.3% / 98.8% / 0 and 97.8% / 97.4% / 0 after.

``holdout34`` (5 per finding and 80 benign: the sign as a comparison or metaphor, what was
seen or measured, tucked into a question about training tomorrow, against an earlier injury,
chat abbreviations, voice-typed Russian, gallows humour) was measured once with the code of
round 33 before it was read: 89.7% / 93.8% / 2 and 91.6% / 90.0% / 4 on all 235 phrases
(89.0% and 91.1% without the 9 and 9 near-duplicates of older parts, which were dropped).
Read and fixed as kinds (the certain alarms first: "feel like I got run over by a bus",
"my back is broken after leg day", "боль не меняется" said of coughing, "спина не
беспокоила", a TV character's aneurysm; then a bone "out of line", a lump "like a golf ball",
"asked the same question four times", "tried the couch, the floor... stays the same", "zero
position helps", "on fire one minute, freezing the next", "under my bottom rib", a heel one
cannot stand on, "weaker every hour", "her backside" and "у него сейчас" as the patient,
someone else's swollen muscles asked about, "every tiny move makes me scream", "каждое
движение как нож", "пульс 130 в покое", "мошонка раздулась"): 97.9% / 96.2% / 0 and 99.3% /
93.8% / 0 after.

``holdout35`` (5 per finding and 80 benign: long messages with one sign among harmless
details, hedged wording, signs that have been going on, typing slips, regional words
(dunny, restroom), partners typing for the person, self-corrections) was measured once with
the code of round 34 before it was read: 88.4% / 90.0% / 1 and 95.5% / 85.0% / 3 on all 235
phrases (88.0% and 95.3% without the 5 and 5 near-duplicates of older parts, which were
dropped). Read and fixed as kinds (the certain alarms first: "тренр" read as "трен", "ломит
как при гриппе" after hard training, "ни температуры, ни слабости в ногах" (a "ни" opening a
denial list now denies, unless a "не" before it agrees with it or it says "in no way", "ни
лёжа, ни сидя", "ни капли"); then a news story of rhabdo, "пишу за жену" and "partner
typing" as the patient, "мазью" no longer clears a lump, a wrist broken in a trip and an
ordinary lift since, a baby "moving way less", "coke colored" in the restroom, "barely opens
his eyes", the kidney area, "gave way twice", "lights up like a firework" on a sneeze):
100.0% / 95.0% / 0 and 100.0% / 93.8% / 0 after.

``holdout36`` (5 per finding and 80 benign: answers to the bot's questions, a training log
that ends with the sign, what a coach or a wife noticed, other sports, shift work and hotel
gyms, polite older speech, capitals and missing spaces) was measured once with the code of
round 35 before it was read: 92.9% / 87.5% / 3 and 94.8% / 92.5% / 1 on all 235 phrases
(92.8% and 94.6% without the 3 and 9 near-duplicates of older parts, which were dropped).
Read and fixed as kinds (the certain alarms first: what a podcast, a news story or a video
said about dark urine, night pain or an aneurysm; then "the coach noticed that", "тренер
заметил, что" speak of the person; a laugh does not undo a denial, "not confused, just sore
lol"; "keeps asking what day it is"; "every single minute"; brownish toilet water; a tender
swelling in the groin; "buckled twice"; "every cough makes my back light up"; "can hardly
talk and barely shift"; "could not move my feet"; "сначала слева, а теперь и справа";
"стянуло грудную клетку, дышать тяжело"; "влетел спиной в борт"; "запнулся за гантель"):
99.3% / 92.5% / 0 and 99.3% / 93.6% / 0 after.

``holdout37`` (5 per finding and 80 benign: Gen Z and Russian youth slang, formal letters to
a doctor, messages at 3 a.m., painkillers that did or did not help, a sign that started
earlier and is still there, what the person did about it) was measured once with the code
of round 36 before it was read: 93.5% / 98.8% / 1 and 97.4% / 88.8% / 3 on all 235 phrases
(93.2% and 97.1% without the 8 and 18 near-duplicates of older parts, which were dropped).
Read and fixed as kinds (the certain alarms first: a film's fighter, "у героини" of a
series, and "героин*" no longer reading "героиня"; "ночью не просыпался"; "не могу встать с
дивана... потому что сериал"; then a step "in the bones of my lower spine", "haven't managed
to pee", what she says "isn't making any sense", "none of it makes the pain let up", a
temperature back at 38.4, a foot that "dangles", weakness that "steadily worsened", "weaker
than at dinner", "way beyond normal DOMS", "can hardly concentrate or change position", pink
urine after a hundred back extensions, "на спину жалуется", a fragility fracture and a
"шлёпнулся"): 100.0% / 100.0% / 0 and 99.3% / 93.7% / 0 after.

``holdout38`` (5 per finding and 80 benign: the sign in passing inside a question about
something else, flat statements, a child's or an anxious person's words, home, park, army
and prison gyms, physical jobs, imperial units, whether one may fly or take a bath) was
measured once with the code of round 37 before it was read: 94.2% / 95.0% / 1 and 91.0% /
91.2% / 3 on all 235 phrases (93.5% and 90.6% without the 17 and 6 near-duplicates of older
parts, which were dropped). Read and fixed as kinds (the certain alarms first: a checklist
answered "Dizzy? No. Faint? No." now denies; "кашляю спокойно, боль от этого не меняется";
a brother's joke about an ambulance; mum worrying about kidneys; then "my wife spotted a
swelling" speaks of the person, "won't let me take one step", "no posture reduces it",
toes that will not pull up, a calf that cannot do one raise, erections that "don't last",
"hurts more at bedtime", "заберите меня в больницу", "кочка на спинке", "водим под руки",
"в туалет почти не хожу", "на седьмом месяце... сжимается живот"): 98.6% / 97.5% / 0 and
99.3% / 95.0% / 0 after.

``holdout39`` (5 per finding and 80 benign: people with a disability or a chronic condition,
carers and trainers about a client in front of them, athletes before a match, exact times,
Irish, Scottish and Kiwi words, two-line messages; Russian diminutives, and whole sentences
in Ukrainian and Belarusian, which the detector does not claim to read) was measured once
with the code of round 38 before it was read: 93.5% / 93.8% / 2 and 85.2% / 93.8% / 2 on all
235 phrases (93.2% and 84.4% without the 9 and 8 near-duplicates of older parts, which were
dropped). Read and fixed as kinds (the certain alarms first: "granddad", "у кумы" as someone
else, "my posture looks normal" explains, "вызывайте скорую моей мотивации" is a figure of
speech; then Russian diminutives read as their words, "спинка", "ножка",
"струйка", "почечка", "бочок"; "had to carry her to the loo"; a hernia that "won't go back";
"baws", "aff", "puku", "n"; woken twice with no relief; a cough that makes the back
"flare"; "can't focus or move"; "haven't been dieting"; "весь липкий от пота"; "нога
выключилась"; "не сушусь" in one sentence and "минус 8 кг" in the next): 98.6% / 98.8% / 0
and 91.8% / 96.2% / 0 after; the Russian misses left are whole Ukrainian or Belarusian
sentences.

``holdout40`` (5 per finding and 80 benign: everything mixed, signs in words no leaflet uses,
benign messages that name a red-flag word to say it is absent) was measured once with the
code of round 39 before it was read: 89.7% / 91.2% / 2 and 87.1% / 95.0% / 2 on all 235
phrases (88.9% and 85.9% without the 13 and 13 near-duplicates of older parts, which were
dropped). Read and fixed as kinds (the certain alarms first: "heard you should go to A&E if
you go numb", "read that back pain can mean kidney stones", "когда вообще нужно вызывать
скорую? спрашиваю на будущее", "говорят, при болях в спине надо срочно к врачу"; then "like
someone is sitting on" the chest, cramping in the tummy, "no pose gives any relief", a
scrotum "puffed up", a facet joint injection five weeks ago, a leg that "doesn't have the
strength", "a lot worse" today, "feebler" each day, "tumbled off the low box", a bumpy bus
ride with thin bones, glutes "blown up and firm", "waking from the pain", a sneeze that
"explodes", a baby "not kicking as much", "скачет туда-сюда", "меня водят в ванную",
"слова путает", "нет такого положения", "побелела, лоб холодный", "в районе почки",
"переднюю часть ступни на себя не потянуть", "хуже слушается", "подскочил среди ночи",
"подтекает водичка" at seven months, "еле слова выдавливает"): 99.3% / 92.3% / 0 and 97.2% /
97.5% / 0 after.

``holdout41`` (5 per finding and 80 benign: understatement and sarcasm, regional English,
signs in passing inside a training log, autocorrect damage, messages to a coach or written
for a partner, a parent or a client, two-word fragments and long rambles) was measured once
with the code of session 12's end (``cf627eb``) before it was read: 89.0% / 95.0% / 0 and
91.6% / 92.5% / 3 on all 235 phrases (88.8% and 91.2% without the 15 and 10 near-duplicates
of older parts, which were dropped). Read and fixed as kinds (the certain alarms first: a
price says a faint is not meant, as does "figuratively" (the new ``not_literal`` list); "спине
без разницы ... как до этого" is no worse on a sneeze; "сплю как младенец" is sleep without
night pain; "лень, а не спина"; then a denied or outdone explanation explains nothing
("didn't eat any beets", "nothing like DOMS", "хуже обычной крепатуры": the ``compared``
list); a one-word address opening the message ("тренер, ...") and a comparison ("трясёт,
будто ...": the ``similes`` list) name no one else; words typed one per full stop ("cant.
talk. hurts.") are one sentence; someone else's symptom is asked about, not only an
emergency ("у жены бок под рёбрами колет"), except a child's fever and someone's history;
"numbish", "buzzy", "zingy"; a testicle "gone big and purplish"; "smashed down across my
lower back"; "day 2 weaker", "steadily feebler"; one leg solid and the other not, a calf
raise "= nothing"; "changing position makes no difference" around midnight; "cannot shift
position"; "zero change to her diet"; "голени как отсиженные", "квадры как надутые",
"слова не те выходят", "горб какой-то торчит", "платформа пришла на поясницу"; Russian
fillers in Latin letters, "dazhe"): 100.0% / 98.7% / 0 and 100.0% / 100.0% / 0 after. Asking
about others' symptoms cost one benign phrase of holdout14 ("grandpa had a kidney stone" is
now a question), whose floor was lowered by it, for 21 more danger phrases caught across the
older parts.

``holdout42`` (5 per finding and 80 benign: voice-to-text without punctuation, emoji for
words, what a partner sees rather than what is felt, medication and health workers' own
jargon, polite and elderly writers, non-native English, temperatures in Fahrenheit) was
measured once with the code after round 41 (``671c838``) before it was read: 90.3% / 97.5% /
0 and 88.4% / 96.2% / 0 on all 235 phrases (89.7% and 87.1% without the 13 and 19
near-duplicates of older parts, which were dropped). Read and fixed as kinds: a pictograph
spelled as a word is read as that word ("🥚", "🍆", "🩸", and the "🥜" that no message
could reach before); a self_person word between the match's words makes it the person's
own ("жена говорит, штаны на мне болтаются"); "jk", "шучу" say a sign is not meant; a
laugh that hurts beside a workout is the abs; "num", "p", "achoo", "апчхи"; a temperature
"running 101.4F"; soaked pants "and I didn't notice"; a hernia that "stays out"; a calf
raise lost by evening; osteoporosis said anywhere before lifting something; health
workers' words ("reduced perianal sensation", "гипестезия в перианальной области",
"загрудинная давящая боль", "иррадиация по ходу мочеточника", "снижение силы до 4 из 5");
"вызвать мне врачей", "опять отключается", "на 8 кг меньше", "кбжу тот же"; and a bare
"early" no longer explains everything ("early menopause"): 97.3% / 98.7% / 0 and 100.0% /
100.0% / 0 after.

``holdout43`` (5 per finding and 80 benign: climbing, rugby, judo and other sports, the
question first and the sign last, comparisons with an earlier episode, hedged wording,
parents and coaches writing about a student, notes-app lists with abbreviations) was
measured once with the code after round 42 (``9fae5a9``) before it was read: 94.8% / 93.8% /
0 and 95.5% / 90.0% / 4 on all 235 phrases (94.7% and 95.4% without the 5 and 3
near-duplicates of older parts, which were dropped). Read and fixed as kinds (the certain
alarms first: a song's words, a coach who "так шутит", fainting "от счастья" in Latin
letters, where "сч" is now read as the "щ" it sounds like, as Latin "sch" is; a film's
"герой"; a bar that fell "на пол рядом со мной"; then a story someone "рассказывал"; a
spin-bike dizziness "fine after a sip of water"; "fell straight back asleep"; someone else's
weight loss and both-leg symptoms are asked about too, while "had sciatica" or "has MS"
explain them; "no urge at all", "messed the bed and didn't feel it", "tried every single
one, 24/7", "the same whether I sit, lie or walk", "hx breast ca", "decked from 5 m",
"thrown in randori from standing height", "в груди стягивает, тяжело вдохнуть",
"микродискэктомия", "у него заныла поясница"): 99.3% / 97.4% / 0 and 98.0% / 96.2% / 0
after.

``holdout44`` (5 per finding and 80 benign: angry messages and shaking hands, follow-ups and
answers to the bot, pain on a scale, older lifters, travellers, night shifts, new parents,
alarms of one to four words; benign gym words that sound like signs: drop sets, failure,
"сорвался с диеты", occlusion bands, a tight belt) was measured once with the code after
round 43 (``78102a4``) before it was read: 92.9% / 97.5% / 1 and 95.5% / 91.2% / 0 on all
235 phrases (91.9% and 95.0% without the 22 and 17 near-duplicates of older parts, which
were dropped). Read and fixed as kinds (the certain alarm first: pins and needles from a
lifting belt "too tight, gone as soon as I loosened it" is now a question; then a spinal injection
"but that was 3 years ago"; "the only thing that fell was my PR"; "сорвался с диеты";
"всегда был ровный" no longer explains a crooked spine as lifelong; a "hard swelling" on the
spine; "can't take even a few steps"; words "coming out jumbled"; a "small stumble" or
bending over with a vertebra cracked before (any bone risk, said anywhere); "every sneeze"
and the back "goes"; "frozen on the gym floor, 9 out of 10"; "tried last night and had no
feeling"; "соедините с экстренной службой"; "позвоночник ушёл вбок"; "ни минуты без боли";
"там где почка"; "ночью хуже всего"; and the Russian weight loss "а я для этого ничего не
делал" across its "а"): 98.5% / 98.7% / 0 and 98.6% / 93.6% / 0 after.

``holdout45`` (5 per finding and 80 benign: signs told by what the person can or cannot do,
everyday words for body parts, times and sequences, women's and men's health, messages with
several topics, typos of the key words themselves) was measured once with the code after
round 44 (``6e453c5``) before it was read: 92.3% / 95.0% / 1 and 89.7% / 93.8% / 1 on all
235 phrases (91.6% and 89.0% without the 14 and 10 near-duplicates of older parts, which
were dropped). Read and fixed as kinds (the certain alarms first: a PR attempt that was "a
total car crash, form-wise", and fainting "чуть ... не упал от счастья", a figure of speech
after the sign's own "не"; then "mine is totally normal", "не у меня", "before coffee" say
a sign is not the person's; "feinted", "моч", "ичко"; someone "he's with me" or "он сейчас
со мной в зале" makes their history theirs; "want emergency help"; "get into the shower",
"doing everything for me", "носки мне надевает муж"; "my sides ... below the ribcage";
"testicular cancer in 2015, surgery only" and "в детстве была лейкемия" told as histories;
a spine fracture before and "a light weight"; a sneeze that "spikes" it; "felt almost
nothing"; "носок не отрывается от пола", "мысок задевает пол"; "бубенцы", "хозяйство";
"ногу приходится закидывать руками"; "мышцы набухли"; "в причинном месте"; "слова с
трудом"; "встаёт, но сразу падает"; "с ним всё хорошо" after someone's fall; and a question
followed by "mine is normal" in the next sentence is not the person's): 95.1% / 100.0% / 0
and 99.3% / 97.5% / 0 after.

``holdout46`` (5 per finding and 80 benign, one persona per message: a powerlifter, a
CrossFitter, a marathoner, a yoga teacher, a pensioner at aqua aerobics, a teenage
footballer, a pregnant runner, a new dad, a warehouse worker, a nurse, a bodybuilder on a
cut, a martial artist, a wheelchair user, a farmer, a delivery cyclist) was measured once
with the code after round 45 (``7494bfe``) before it was read: 94.2% / 96.2% / 1 and 96.8% /
96.2% / 1 on all 235 phrases (93.8% and 96.6% without the 12 and 11 near-duplicates of older
parts, which were dropped). Read and fixed as kinds (the certain alarms first: a bump "there
my whole life, nothing new" (a negation after a comma no longer denies the explanation before
it) and back pain "но уже меньше" (easing); then "nearly fainted when I saw my 5k time",
"laughed so hard I nearly wet myself", a heat rush "в сауне"; a bone "stepped in"; sciatica
that moves to the other leg; "can't transfer from bed to my chair"; speech "gone garbled";
"exactly the same all the time", "continuous, no break in it"; "can barely feel anything";
"прооперировали грыжу диска"; a leg that "так и продолжает подламываться"; "ест хорошо"):
97.9% / 100.0% / 0 and 98.6% / 98.7% / 0 after.

``holdout47`` (5 per finding and 80 benign: writers who minimise, "probably nothing but",
"my wife made me ask", and writers who give all the background first; texting, email and
forum registers; Irish, Scottish, Indian, South African and Nigerian English) was measured
once with the code after round 46 (``ac79cb9``) before it was read: 91.0% / 93.8% / 1 and
97.4% / 95.0% / 1 on all 235 phrases (89.8% and 97.3% without the 22 and 11 near-duplicates
of older parts, which were dropped). Read and fixed as kinds (the certain alarms first: "the
only thing waking me at night is the baby"; "с ним всё обошлось" after someone's fall; a
spine that looked crooked because "я просто стоял криво"; then "someone in my spin class",
"help or hurt"; Nigerian "I no fit control my toilet, I mess myself and I no even feel am";
"it's constant and doesn't budge", "no any position is giving relief"; "the room keeps
spinning"; pain that "spreads into my groin"; a hernia that "won't go back"; a quad that
"isn't firing", other leg normal; "barely push off it"; a weight stack that "slammed into my
back"; "cracked a vertebra once"; "at night it gets really bad and nothing settles it";
"cannot concentrate, even to turn in bed"; down a stone while "trying to bulk"; "сам не могу
ни штаны надеть ... жена помогает"; "стопа хлопает об пол"; a baby that "шевелится намного
меньше" at 34 weeks; "никакой диеты"): 98.5% / 97.4% / 0 and 100.0% / 97.4% / 0 after.

``holdout48`` (5 per finding and 80 benign: every message a reply in an ongoing chat, begun
mid-thought, "yeah and", "нет, но", naming the body part only as "it" or "there") was measured
once with the code after round 47 (``6e76b02``) before it was read: 92.3% / 95.0% / 0 in
both languages on all 235 phrases (91.9% and 91.9% without the 10 and 8 near-duplicates of
older parts, which were dropped). Read and fixed as kinds: "every time I try to stand the
back locks", "super sleepy, we had to shake her", a toilet bowl "like iced tea", the kidney
"bit" on one side, a foot that "won't go" up, calf raises "impossible" on one side, "missed
the last step", a hip "cracked" falling off a chair, "keeps waking me, nothing settles it",
"resting doesn't touch it", "would a massage help?" is no plea; "не помню, как домой
доехал", "все позы перепробовал, ни одна не помогает", "нет такого положения, где бы стало
легче", "там, где почка ... кручусь", "на пятке на правой не стою", a sneeze like "волна по
пояснице", "на седьмом месяце", "бьётся в такт пульсу", "весы показывают меньше, а я набрать
пытаюсь", a belly that hurts "только от смеха". What stays missed is what a reply leaves to
the question before it ("there's a hard bump there ... new", "розоватая какая-то": the
detector reads one message, not the bot's question): 98.6% / 96.1% / 0 and 98.0% / 96.2% / 0
after.

``holdout49`` (5 per finding and 80 benign, the writers' own mix: a crowd of gym-goers from
many countries, and Russian speakers of different cities and ages, from a first message to a
bystander's note) was measured once with the code after round 48 (``367cec9``) before it was
read: 93.5% / 96.2% / 1 and 96.1% / 93.8% / 1 on all 235 phrases (92.6% and 95.6% without the
27 and 21 near-duplicates of older parts, which were dropped). Read and fixed as kinds (the
certain alarms first: "call an ambulance!" yelled "as a joke" (a not_literal phrase opening
the next sentence counts), a heat rush with a normal "36,6"; then "my gym crush makes me
dizzy", "техника кривая", calluses "от грифа", "не могу ходить в зал на этой неделе"; "a step
in it", "lying doesn't help, sitting doesn't help", "big waves", "the tip of my shoe drags",
"leg strength is slipping away", "gone from mild yesterday to really bad today",
osteoporosis and "a light row", a baby "way quieter than normal", "a swelling on the main
artery in my tummy"; "седалищный с двух сторон", "opyat' vyrubaetsya", "не бывает такого
момента, чтобы не болело", "одна нога какая-то бессильная", "отдых ничего не даёт"; a "her
back" in a rule slot must not make "nothing makes her back pain ease" a denial, so only
"onto his back" is listed): 98.5% / 98.6% / 0 and 99.3% / 98.7% / 0 after.

``holdout50`` (5 per finding and 80 benign: plain everyday wording of a calm adult, complete
sentences of 8 to 45 words) was measured once with the code of ``b2f8580`` before it was
read: 92.3% / 95.0% / 1 and 92.3% / 93.8% / 2 on all 235 phrases (91.7% and 92.1% without
the 12 and 3 near-duplicates of older parts, which were dropped). Read and fixed as kinds:
"slept through the whole night" is relief; "would a standing desk help?" is no plea; a
"harmless cyst" someone had removed; "no longer notice when my bladder is full"; "walking is
impossible"; "suddenly muddled, mixing up names"; "present every minute"; "strong waves";
"surgery on my lower spine ten weeks ago"; "struck me hard in the middle of the back"; a rib
"cracked from a minor stumble" and "an easy set"; weight "falling steadily ... no idea
why"; "связаться с неотложкой"; "путаница в голове, мысли разбегаются"; "иммунитет
ослаблен", "биологический препарат"; "бёдра набухли"; a cough that "отдаётся в пояснице";
"не в состоянии повернуться", "не может даже сдвинуться"; "онемения нигде нет"; "парализовало
ленью". The two certain alarms left are one kind, recorded as measured: "Температуры нет,
озноба тоже" (and its Latin-letter twin), where "тоже" carries the denial to the second
sign; reading "тоже" as a denial would also deny "температура, озноб тоже". 97.9% / 98.7% / 0
and 97.4% / 95.0% / 2 after.

``holdout51`` (5 per finding and 80 benign: casual texting by people aged 18 to 35,
lowercase, abbreviations, emojis and fragments, about themselves or a friend with them) was
measured once with the code after round 50 (``7655ca5``) before it was read: 97.4% / 95.0% /
0 and 94.2% / 97.5% / 0 on all 235 phrases (97.2% and 93.2% without the 14 and 26
near-duplicates of older parts, which were dropped). Read and fixed as kinds: a spine that
"на фото прям видно" is crooked (a photo no longer explains a deformity away in Russian);
"a vertebra fracture before" and "an easy goblet squat"; a friend's fall "on a youtube
vid"; "сам не дохожу", "меня тащил брат"; speech that "заплетается"; urine "как крепкий чай"
after a spin class; "разложился на трассе"; "ни о чём думать не могу". Someone else's fever,
HIV or injected peptides stay dropped by design (a child's fever, someone's history):
98.6% / 96.1% / 0 and 97.0% / 98.7% / 0 after.

Round 52 opened by fixing holdout50's two certain alarms ("Температуры нет, озноба тоже"): a
``negation_echo`` word closing a phrase repeats the denial of the phrase before it when that
phrase opens or closes with a negation_after word, so "температура, озноб тоже" still counts.
``holdout52`` (googled half-medical words, forum posts with a title line, symptom lists with
semicolons or slashes, messages typed by a partner or coach) and ``holdout53`` (stories told
in order, signs told by what the person cannot do, vivid metaphors, panicked two-word
alarms, non-native English) were then written blind and measured once with that code
(``a6089fd``) before they were read: holdout52 95.5% / 95.0% / 0 and 95.5% / 80.0% / 3,
holdout53 90.3% / 93.8% / 0 and 97.4% / 88.8% / 3 on all 235 phrases each (the writers'
painful_urination phrases left out: no typed red flag; near-duplicates of older parts
dropped: holdout52 95.4% / 96.1% / 0 and 95.3% / 79.5% / 3, holdout53 89.3% / 93.6% / 0 and
97.4% / 88.3% / 3 without them). Read and fixed as kinds: a question answered "no" before a
phrase that says what it is instead ("рак? нет, просто паникую", "rabdo u menya? net, mocha
svetlaya"; a phrase repeating the sign's words or holding a negation of its own still
confirms it, and a plea is never answered away) and a checklist answered with a clear value
("Температура? 36,6."); English "can't", "don't" in a match agree with a negation before it
as Russian "не" does; "so I guess" ends a clause; "googled rhabdo"; a horoscope's "Рак"; a
sock picked up off the floor ("носок с пола"), crooked technique, a child carried "на
руках", a weak core; "нужно ли к врачу" is no plea (only "врача", "врач" call one);
paraesthesia; "when I run my fingers down my spine" no longer reads as running; "missed the
last step", "sat down hard", "сел на попу"; "he now has back pain" makes him the patient;
"they took a melanoma off my shoulder"; a leg "I tell to move and nothing happens";
"couldn't finish" in bed (not "the set"); a bowel movement "I didn't realise"; "rolling over
does nothing" at 3 a.m., "haven't slept a full night"; "stuck in the car", "every tiny
movement is white hot"; a belt "на две дырки", "лицо осунулось"; "сижу — болит, встаю —
болит, ложусь — болит"; "hit across the lower back by a plate". Left by policy: chest or
belly soreness named with its exercise is asked (as ``dev`` labels it), a relative's fragile
bones or aneurysm without a proxy, a past call for someone else's ambulance: 100% / 98.7% / 0
and 98.0% / 87.2% / 0 (holdout52), 100% / 93.6% / 0 and 99.3% / 96.1% / 0 (holdout53) after.

``holdout54`` (typed at the gym mid-session: kg, reps, RPE and lift jargon, set counts,
updates to a partner or coach) and ``holdout55`` (other conditions and medicines named in
passing, long health histories with the sign buried inside, short teenage messages) were
written blind in the same round and measured once with ``482cf7c`` before they were read:
93.5% / 98.8% / 0 and 96.8% / 96.2% / 0, 98.1% / 97.5% / 0 and 96.8% / 95.0% / 2 on all 235
phrases each (without the near-duplicates of older parts, which were dropped: 93.8% / 98.8% /
0 and 96.6% / 96.2% / 0, 97.9% / 97.5% / 0 and 96.4% / 94.9% / 2). Read and fixed as kinds: a
``novelty`` phrase ("такого никогда не было", "never had this before") says the sign is new,
so its "не было" denies nothing (it had silenced "ноги онемели, такого никогда не было"); a
thing named right after a Russian fall verb is what fell ("упал телефон со скамьи"); "с"
links a denied list ("проблем с туалетом нет"); "пульс упал", "техника поплыла", a warm-up
exercise called "рак", "what drills help" are no signs; "no sleep" no longer explains night
pain away; a plural "thighs" is not one leg; far more painful or weak than the person's usual
soreness (clinical.md 5) and muscles that "распухли"; "took a leak ... reddish brown"; a
urinal where "nothing comes"; toilet paper that "wasn't even there"; a leg that "stopped
working completely"; woken four times with no relief; weight told as numbers "and I'm not on
a cut", "dropped almost a stone", "весы показали минус 5 кг" on a bulk; "левой не могу
оттолкнуться"; "сдвинуться не могу", "каждую попытку повернуться останавливает боль";
"при близости чувствительность пропала"; straining on the toilet; a knot "right on the bone";
"landed heavy". Left by policy: a mother's fragile bones and a father's aneurysm told as
hearsay ("отцу говорили"): 100% / 98.8% / 0 and 99.3% / 98.7% / 0 (holdout54), 100% / 98.7% /
0 and 99.3% / 98.7% / 0 (holdout55) after.

``holdout56`` (embarrassed and euphemistic wording: "down there", "number two", "spent a
penny", "where the sun doesn't shine", "по-маленькому", "по мужской части", apologies and
understatement, older and religious writers) and ``holdout57`` (hypothetical questions beside
real signs, with what the person tried and whether it helped) were written blind next and
measured once with ``2c03fb6`` before they were read: 80.6% / 95.0% / 2 and 87.7% / 95.0% /
1, 96.1% / 86.2% / 0 and 96.8% / 87.5% / 2 on all 235 phrases each (80.0% / 94.9% / 2 and
87.1% / 94.9% / 1, 95.8% / 85.9% / 0 and 96.5% / 87.3% / 2 without the near-duplicates of
older parts, which were dropped): the euphemisms were the widest gap any round has found.
Read and fixed as kinds: the euphemisms joined the word classes of both languages (toilet,
urine, the saddle area, sex, cancer: "the big C", "нехорошая болезнь"); a ``cleared`` phrase
said with a doubt word beside it is a hope, not a clearance ("nothing serious, probably",
"ничего серьёзного, наверное"); an explanation denied after an "I" ("на сушке я не сидел");
"my" after a place word ("a lady in my class has osteoporosis") is no "I", a new ``places``
list; "helping me in the garden" is no plea (only the word "help" itself); hypothetical
questions ("what if I ever", "if my leg ever", "если когда-нибудь", "чисто теоретически",
"хочу знать заранее") explain their signs away, except the emergencies, which are still asked;
"раньше её не было" is novelty; "упал духом", "упал жим", "упал — отжался", a dream of an
ambulance, "St John Ambulance", a toy phone; a cough that "сильнее не болит"; a baby that moves
less, "жду ребёночка" and contractions; a dizzy head said with a word between ("голова сильно
кружится", asked); "нет ни одной позы, чтобы полегчало"; "the same whether I'm lying,
sitting or walking"; losing feeling during sex. Left: a relative's history or fragile bones,
a lump told too far from its place: 97.3% / 100% / 0 and 97.3% / 100% / 0 (holdout56), 100% /
93.6% / 0 and 98.6% / 93.7% / 0 (holdout57) after.

``holdout58`` (code-switching and dictation: English mixed with Spanish, Hindi or Polish words,
Russian with English gym words, run-ons without punctuation) and ``holdout59`` (one to eight
words: fragments, all-caps panic, emoji for words) were written blind next and measured once
with ``3c2602f`` before they were read: 92.3% / 96.2% / 0 and 96.8% / 92.5% / 1, 94.8% / 98.8%
/ 0 and 89.7% / 100% / 0 on all 235 phrases each (91.0% / 96.2% / 0 and 96.4% / 92.3% / 1,
93.8% / 98.6% / 0 and 87.0% / 100% / 0 without the near-duplicates of older parts, which were
dropped; many short phrases were near-duplicates). Read and fixed as kinds: in a dictated list
without commas a bare "нет" before the next sign or a stop word closes its item ("температуры
нет моча обычная", "озноба нет просто спина"), and so denies the sign before it, not the one
after ("онемения нет ноги отнялись" is paralysis); "то есть", "I mean" end a negation's reach
("нет то есть вызови неотложку"); someone else's small fall is not asked about any more (a
friend who "упала на катке"), unless the person types for them ("typing this for my son");
emoji for fever, chills, sneezing, the heart and a star sign; "neither leg responds"; "works as
an ambulance paramedic", "скорая помощь для спины", "упал мой PR"; a thermometer read in words;
"frozen on the floor", "too much pain to speak", "любое движение боль"; "weakness worse each
day", "правая всё слабее"; "носок падает"; a small-fall fracture told without "my"; "кровянит"
at 28 weeks; "крепатура в 10 раз хуже обычного"; "кашляю и в спину бьёт". Left: the words of
languages the bot does not speak (Spanish, Hindi, Polish: English and Russian only), a
grandmother's fragile bones: 91.7% / 97.5% / 0 and 99.3% / 97.4% / 0 (holdout58), 98.4% / 100%
/ 0 and 99.2% / 100% / 0 (holdout59) after.

``holdout60`` (heavy misspelling: phonetic and dyslexic spelling, keyboard slips, autocorrect,
words glued or split) and ``holdout61`` (handover notes by nurses, physiotherapists and first
aiders with clinical terms and abbreviations, and lay people repeating a leaflet) were written
blind next and measured once with ``5c190fb`` before they were read: 89.0% / 98.8% / 0 and
85.2% / 96.2% / 2, 86.5% / 95.0% / 1 and 85.8% / 95.0% / 2 on all 235 phrases each (90.3% /
100% / 0 and 84.1% / 96.2% / 2, 85.4% / 94.9% / 1 and 85.3% / 94.8% / 2 without the
near-duplicates of older parts, which were dropped). Read and fixed as kinds: English words
spelt as they sound are found by their metaphone code (jellyfish) when the typo look-up finds
nothing and the token is no real word, within a quarter of its letters ("lukemia", "lymfoma",
"werking", "crookid"; "Lagos" is no "legs"); chat spellings of real or short words ("rite",
"blud", "coffing", "moove", "barley" for barely); Russian "ни" typed for "не" ("ни магу",
"скорая ни нужна") and, before a verb's ending of the new ``ni_as_ne`` list, read as a denial
("ноги ни немеют"); a vowel the spelling rules forbid after a sibilant ("шышка") is respelt;
the clinical words of both languages ("non-ambulant", "syncopal", "febrile", "haematuria",
"saddle anaesthesia", "IVDU", "RTC", "pulsatile mass", "PV bleed", "самостоятельно не
передвигается", "плегия", "гипестезия S3-S5", "немотивированная потеря массы", "АБА", "Ca
лёгкого в анамнезе", "бригаду СМП"); safety-netting advice ("return if", "при появлении",
"памятка") and a sponsored walk for a hospice are no signs; "rolled off the low bench"; "can
hardly move even to roll over" (a filler had turned it into "move to"). Left: misspellings that
make another real word ("spin", "heal", "нагой"), words glued together ("lowerback"), and
Russian spelt so far from its words that no look-up reaches them: 97.6% / 100% / 0 and 87.6% /
98.7% / 0 (holdout60), 99.3% / 98.7% / 0 and 98.7% / 98.7% / 0 (holdout61) after.

``holdout62`` (diaries over several days: what got better, what got worse, what is new today)
and ``holdout63`` (periods, pregnancy and the weeks after birth, the menopause, lifters over 60
and teenagers) were written blind last and measured once with ``a056ecf`` before they were
read: 96.8% / 95.0% / 2 and 95.5% / 91.2% / 2, 94.8% / 93.8% / 0 and 98.1% / 96.2% / 1 on all
235 phrases each (96.8% / 95.0% / 2 and 95.5% / 91.0% / 2, 93.7% / 93.7% / 0 and 97.8% / 96.2%
/ 1 without the near-duplicates of older parts, which were dropped). Read and fixed as kinds:
"проснулся с болью" is no night pain (only waking from it, "просыпаюсь", "проснулся от");
"вторые сутки" is no day-and-night pain; "got help from a PT", "would more rows help", "dropped
a plate on my foot but caught it", "drive an ambulance for a living", "works on the ambulance",
a teenager's growth spurt, "menopause brain fog", "чихать не больно" are no signs; "send
somebody please, it's urgent"; a spine whose shape "has changed", one bone that "sits further
out"; a foot that "doesn't come up"; "can't do a single-leg raise"; a fall off the high beam;
pain that "drags me out of sleep"; "боль не зависит от положения"; toilet paper felt "будто
через ткань". Left: a sign that grows across the days of a diary, each day a sentence of its
own ("Day 1 weak. Day 2 weaker. Day 3 it gave way"), is not yet read as one: 96.8% / 100% / 0
and 95.5% / 93.6% / 0 (holdout62), 99.2% / 97.5% / 0 and 99.3% / 96.2% / 0 (holdout63) after.

``holdout64`` (long rambles of 60 to 150 words with the sign told once, in passing) and
``holdout65`` (messages that talk to the bot itself: is it a real doctor, the buttons, wanting
a human) were written blind at the end of the session and measured once with ``efa1a4e``: 93.5%
/ 82.5% / 6 and 97.4% / 76.2% / 6, 97.4% / 92.5% / 1 and 96.8% / 87.5% / 2 on all their phrases
(one near-duplicate dropped). Long harmless messages are the widest specificity gap found: over
150 words a rule's words turn up far apart in unrelated sentences. Only their certain alarms
were read, in the time left: "bloods all normal ... urine test clear" is no blood in the urine;
"gym fever"; "I'm a paramedic"; "a bit more sore than usual" is no muscle swelling (only far
more is, clinical.md 5, so "сильнее чем обычно" alone is asked); "it didn't hurt any more";
"встаю со стула" is a chair; "путаюсь кто говорит" is reading, not confusion; "the icon
confused me"; "вопросами про рак"; Russian names the person after the sign too ("рак был у
бабушки" is hers); thighs that "are swollen" are asked. Left: "нет у меня рака" (the "у меня"
stops the denial, as it must in "нет, у меня немеет пах"), a rule's words far apart in a long
story, buttocks "почти не чувствуются" after an exercise (asked as numbness would be). After:
93.5% / 88.8% / 0 and 97.4% / 78.8% / 2 (holdout64), 97.4% / 92.5% / 0 and 96.8% / 88.8% / 1
(holdout65), their floors as measured; the rest of both sets is unread.
"""

from __future__ import annotations

import pytest

from bot.core.redflags.detector import RedFlagDetector
from tests.core.redflags import corpus

SENSITIVITY, SPECIFICITY = 0.98, 0.95
# (language, part) -> (sensitivity, specificity, certain alarms on benign at most), as measured
FLOORS = {
    ("en", "holdout"): (183 / 184, 90 / 92, 0),
    ("en", "holdout2"): (78 / 79, 53 / 54, 0),
    ("en", "holdout3"): (151 / 152, 96 / 100, 0),
    # holdout4 and ru holdout3 were lowered by one and two benign phrases on purpose: a
    # "cleared" phrase no longer silences an emergency finding, it asks (NEVER_CLEARED).
    ("en", "holdout4"): (142 / 143, 92 / 94, 0),
    ("en", "holdout5"): (99 / 100, 77 / 80, 0),
    ("en", "holdout6"): (108 / 110, 58 / 60, 0),
    ("en", "holdout7"): (112 / 113, 103 / 110, 0),
    ("en", "holdout8"): (68 / 68, 49 / 54, 0),
    ("en", "holdout9"): (109 / 112, 55 / 55, 0),
    ("en", "holdout10"): (114 / 115, 57 / 58, 0),
    ("en", "holdout11"): (58 / 59, 28 / 29, 0),
    ("en", "holdout12"): (47 / 48, 27 / 29, 0),
    ("en", "holdout13"): (67 / 70, 56 / 60, 0),
    ("en", "holdout16"): (179 / 192, 70 / 75, 0),
    ("en", "holdout17"): (127 / 144, 70 / 74, 0),
    ("en", "holdout18"): (152 / 161, 58 / 60, 0),
    ("en", "holdout19"): (110 / 123, 59 / 60, 0),
    ("en", "holdout22"): (185 / 186, 65 / 70, 0),
    ("en", "holdout23"): (179 / 184, 66 / 70, 0),
    ("en", "holdout24"): (183 / 186, 65 / 70, 0),
    ("en", "holdout25"): (183 / 186, 64 / 70, 0),
    ("en", "holdout26"): (178 / 186, 64 / 70, 0),
    ("en", "holdout27"): (149 / 155, 89 / 100, 0),
    ("en", "holdout28"): (153 / 155, 73 / 80, 0),
    ("en", "holdout29"): (148 / 149, 76 / 80, 0),
    ("en", "holdout30"): (154 / 155, 75 / 80, 0),
    ("en", "holdout31"): (150 / 152, 76 / 80, 0),
    ("en", "holdout32"): (147 / 149, 73 / 80, 0),
    ("en", "holdout33"): (146 / 148, 78 / 80, 0),
    ("en", "holdout34"): (144 / 146, 76 / 80, 0),
    ("en", "holdout35"): (149 / 150, 77 / 80, 0),
    ("en", "holdout36"): (150 / 152, 74 / 80, 0),
    ("en", "holdout37"): (146 / 147, 79 / 80, 0),
    ("en", "holdout38"): (135 / 138, 77 / 80, 0),
    ("en", "holdout39"): (143 / 146, 78 / 80, 0),
    ("en", "holdout40"): (142 / 144, 71 / 78, 0),
    ("en", "holdout41"): (142 / 143, 75 / 77, 0),
    ("en", "holdout42"): (141 / 146, 74 / 76, 0),
    ("en", "holdout43"): (150 / 152, 75 / 78, 0),
    ("en", "holdout44"): (132 / 135, 76 / 78, 0),
    ("en", "holdout45"): (135 / 143, 77 / 78, 0),
    ("en", "holdout46"): (142 / 146, 76 / 77, 0),
    ("en", "holdout47"): (134 / 137, 73 / 76, 0),
    ("en", "holdout48"): (145 / 148, 73 / 77, 0),
    ("en", "holdout49"): (132 / 135, 71 / 73, 0),
    ("en", "holdout50"): (140 / 144, 77 / 79, 0),
    ("en", "holdout51"): (142 / 145, 72 / 76, 0),
    ("en", "holdout52"): (152 / 153, 74 / 76, 0),
    ("en", "holdout53"): (139 / 140, 72 / 78, 0),
    ("en", "holdout54"): (144 / 145, 78 / 80, 0),
    ("en", "holdout55"): (140 / 141, 77 / 79, 0),
    ("en", "holdout56"): (145 / 150, 78 / 79, 0),
    ("en", "holdout57"): (141 / 142, 72 / 78, 0),
    ("en", "holdout58"): (121 / 133, 76 / 79, 0),
    ("en", "holdout59"): (125 / 128, 70 / 71, 0),
    ("en", "holdout60"): (120 / 124, 72 / 73, 0),
    ("en", "holdout61"): (142 / 144, 76 / 78, 0),
    ("en", "holdout62"): (149 / 155, 79 / 80, 0),
    ("en", "holdout63"): (124 / 126, 76 / 79, 0),
    ("en", "holdout64"): (144 / 155, 70 / 80, 0),
    ("en", "holdout65"): (149 / 154, 73 / 80, 0),
    ("en", "holdout14"): (136 / 139, 52 / 55, 0),  # round 41: others' flank pain is asked
    ("en", "holdout15"): (117 / 120, 52 / 54, 0),
    ("en", "holdout20"): (151 / 163, 57 / 61, 0),
    ("en", "holdout21"): (118 / 131, 55 / 60, 0),
    ("ru", "holdout"): (178 / 179, 96 / 98, 0),
    ("ru", "holdout2"): (79 / 80, 53 / 55, 0),
    ("ru", "holdout3"): (151 / 152, 94 / 102, 0),
    ("ru", "holdout4"): (137 / 138, 95 / 96, 0),
    ("ru", "holdout5"): (101 / 102, 76 / 80, 0),
    ("ru", "holdout6"): (110 / 110, 58 / 60, 0),
    ("ru", "holdout7"): (98 / 101, 100 / 109, 0),
    ("ru", "holdout8"): (64 / 64, 49 / 54, 0),
    ("ru", "holdout9"): (108 / 110, 55 / 56, 0),
    ("ru", "holdout10"): (127 / 128, 60 / 61, 0),
    ("ru", "holdout11"): (100 / 102, 56 / 58, 0),
    ("ru", "holdout12"): (68 / 69, 30 / 32, 0),
    ("ru", "holdout13"): (67 / 70, 57 / 60, 0),
    ("ru", "holdout16"): (183 / 199, 65 / 71, 0),
    ("ru", "holdout17"): (135 / 157, 67 / 71, 0),
    ("ru", "holdout18"): (143 / 163, 60 / 64, 0),
    ("ru", "holdout19"): (108 / 129, 59 / 63, 0),
    ("ru", "holdout22"): (176 / 186, 63 / 70, 0),
    ("ru", "holdout23"): (179 / 186, 63 / 70, 0),
    ("ru", "holdout24"): (182 / 186, 62 / 70, 0),
    ("ru", "holdout25"): (184 / 186, 64 / 70, 0),
    ("ru", "holdout26"): (182 / 186, 61 / 70, 0),
    ("ru", "holdout27"): (152 / 155, 85 / 100, 0),
    ("ru", "holdout28"): (147 / 155, 66 / 80, 0),
    ("ru", "holdout29"): (147 / 148, 75 / 80, 0),
    ("ru", "holdout30"): (153 / 155, 71 / 80, 0),
    ("ru", "holdout31"): (148 / 149, 73 / 80, 0),
    ("ru", "holdout32"): (146 / 147, 75 / 80, 0),
    ("ru", "holdout33"): (133 / 135, 76 / 78, 0),
    ("ru", "holdout34"): (145 / 146, 74 / 80, 0),
    ("ru", "holdout35"): (149 / 150, 76 / 80, 0),
    ("ru", "holdout36"): (146 / 148, 72 / 78, 0),
    ("ru", "holdout37"): (136 / 138, 73 / 79, 0),
    ("ru", "holdout38"): (148 / 149, 75 / 80, 0),
    ("ru", "holdout39"): (134 / 147, 76 / 80, 0),
    ("ru", "holdout40"): (138 / 142, 77 / 80, 0),
    ("ru", "holdout41"): (146 / 147, 77 / 78, 0),
    ("ru", "holdout42"): (139 / 140, 75 / 76, 0),
    ("ru", "holdout43"): (148 / 152, 76 / 80, 0),
    ("ru", "holdout44"): (137 / 140, 72 / 78, 0),
    ("ru", "holdout45"): (143 / 145, 77 / 80, 0),
    ("ru", "holdout46"): (144 / 147, 75 / 77, 0),
    ("ru", "holdout47"): (147 / 148, 73 / 76, 0),
    ("ru", "holdout48"): (144 / 148, 75 / 79, 0),
    ("ru", "holdout49"): (134 / 136, 76 / 78, 0),
    ("ru", "holdout50"): (147 / 152, 77 / 80, 0),
    ("ru", "holdout51"): (128 / 133, 74 / 76, 0),
    ("ru", "holdout52"): (145 / 149, 67 / 78, 0),
    ("ru", "holdout53"): (149 / 151, 73 / 77, 0),
    ("ru", "holdout54"): (144 / 146, 77 / 79, 0),
    ("ru", "holdout55"): (138 / 140, 76 / 78, 0),
    ("ru", "holdout56"): (142 / 147, 78 / 79, 0),
    ("ru", "holdout57"): (139 / 142, 73 / 79, 0),
    ("ru", "holdout58"): (138 / 140, 75 / 78, 0),
    ("ru", "holdout59"): (121 / 123, 75 / 76, 0),
    ("ru", "holdout60"): (126 / 145, 77 / 79, 0),
    ("ru", "holdout61"): (147 / 150, 75 / 77, 0),
    ("ru", "holdout62"): (147 / 155, 72 / 78, 0),
    ("ru", "holdout63"): (135 / 137, 75 / 79, 0),
    ("ru", "holdout64"): (150 / 155, 62 / 80, 2),
    ("ru", "holdout65"): (149 / 155, 70 / 80, 1),
}
# (language, part) -> certain alarms where a confirming question was right, at most, as measured
# (0 unless listed: a held-out part measured with one is recorded as it is, never tuned on)
QUESTION_ALARMS = {
    ("ru", "holdout13"): 1,
    ("en", "holdout16"): 3,
    ("ru", "holdout16"): 3,
    ("en", "holdout18"): 2,
    ("en", "holdout20"): 1,
    ("ru", "holdout18"): 4,
    ("ru", "holdout19"): 1,
}


@pytest.mark.parametrize("language", corpus.LANGUAGES)
def test_each_language_has_at_least_400_labelled_phrases(language: str) -> None:
    phrases = [p for part in corpus.parts(language) for p in corpus.load(language, part)]
    assert len(phrases) >= 400
    assert sum(p.finding == corpus.BENIGN for p in phrases) >= 150
    assert len({p.text for p in phrases}) == len(phrases), "a phrase is listed twice"


def test_no_phrase_is_in_two_parts() -> None:
    for language in corpus.LANGUAGES:
        seen: dict[str, str] = {}
        for part in corpus.parts(language):
            for phrase in corpus.load(language, part):
                key = phrase.text.casefold()
                assert seen.setdefault(key, part) == part, f"{language}: {phrase.text!r}"


@pytest.mark.parametrize("language", corpus.LANGUAGES)
def test_development_phrases_meet_the_targets(detector: RedFlagDetector, language: str) -> None:
    result = corpus.score(detector.detect, corpus.load(language, "dev"))
    report = "\n".join(corpus.report(f"{language} dev", result))
    assert result.sensitivity >= SENSITIVITY, report
    assert result.specificity >= SPECIFICITY, report
    assert result.benign_alarms == 0, report
    assert result.question_alarms == 0, report


@pytest.mark.parametrize(("language", "part"), sorted(FLOORS))
def test_held_out_phrases_stay_above_their_floor(
    detector: RedFlagDetector, language: str, part: str
) -> None:
    result = corpus.score(detector.detect, corpus.load(language, part))
    sensitivity, specificity, alarms = FLOORS[(language, part)]
    summary = corpus.report(f"{language} {part}", result)[0]  # totals only: never tune on it
    assert result.sensitivity >= sensitivity - 1e-9, summary
    assert result.specificity >= specificity - 1e-9, summary
    assert result.benign_alarms <= alarms, summary
    assert result.question_alarms <= QUESTION_ALARMS.get((language, part), 0), summary
