"""Texts of `commands/questions.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "questions.open_question_tlp_from": {
        "nl": "Open vraag {code} (TLP:{tlp}) van {asker} in {where}, {asked_at}:",
        "en": "Open question {code} (TLP:{tlp}) from {asker} in {where}, {asked_at}:",
    },
    "questions.answer_with_answer_text": {
        "nl": "Beantwoorden: {prefix}antwoord {code} <tekst> [--publish] · {prefix}antwoord {code} qa=<id> [--leer]",
        "en": "Answer with: {prefix}answer {code} <text> [--publish] · {prefix}answer {code} qa=<id> [--learn]",
    },
    "questions.this_command_only_works": {
        "nl": "dit commando werkt alleen in een redactiekamer.",
        "en": "this command only works in a curator room.",
    },
    "questions.open_questions": {
        "nl": "{banner} — Open vragen ({rows})",
        "en": "{banner} — Open questions ({rows})",
    },
    "questions.answer_sent": {
        "nl": "Antwoord op {code} verstuurd naar {asker}.",
        "en": "Answer to {code} sent to {asker}.",
    },
    "questions.i_have_no_confident": {
        "nl": "Daar heb ik geen zeker antwoord op, dus ik gok niet. Je vraag staat bij de redactie als {code}; het antwoord komt hier als reactie op je bericht.",
        "en": "I have no confident answer to that, so I won't guess. Your question went to the curators as {code}; the answer will arrive here as a reply to your message.",
    },
    "questions.i_have_no_confident_2": {
        "nl": "Daar heb ik geen zeker antwoord op, dus ik gok niet. Je vraag is bewaard als {code}, maar er is nog geen redactiekamer die hem kan zien; vraag de beheerder er een te koppelen.",
        "en": "I have no confident answer to that, so I won't guess. Your question is kept as {code}, but no curator room can see it yet; ask the administrator to bind one.",
    },
    "questions.label_keeps_it_here": {
        "nl": "Daar heb ik geen zeker antwoord op, dus ik gok niet. Je vraag is bewaard als {code} onder TLP:{label}, en met dat label ziet geen redactiekamer hem: niemand van de redactie leest hem. Stel hem zonder dat label als de redactie hem mag zien.",
        "en": "I have no confident answer to that, so I won't guess. Your question is kept as {code} under TLP:{label}, and with that label no curator room sees it: none of the curators will read it. Ask it without that label if the curators may see it.",
    },
    "questions.nearest_q_as": {
        "nl": "Dichtstbijzijnde Q&As:",
        "en": "Nearest Q&As:",
    },
    "questions.curators_answer_your_question": {
        "nl": "Antwoord van de redactie op je vraag {id}:",
        "en": "The curators' answer to your question {id}:",
    },
    "questions.added_as_q_with": {
        "nl": " Toegevoegd als Q&A {published} met de vraag “{shorten}” (anders: {prefix}qa edit {published} met vraag:).",
        "en": " Added as Q&A {published} with the question “{shorten}” (to change: {prefix}qa edit {published} with question:).",
    },
    "questions.not_sent_not_published": {
        "nl": "Niet verstuurd en niet gepubliceerd: geef de vraag voor de Q&A op een eigen regel, bijvoorbeeld “vraag: Wie betaalt het leefgeld?”.",
        "en": "Not sent and not published: give the Q&A's question on a line of its own, e.g. “question: Who pays the living allowance?”.",
    },
    "questions.not_sent_not_published_2": {
        "nl": "Niet verstuurd en niet gepubliceerd: {where}: {value}",
        "en": "Not sent and not published: {where}: {value}",
    },
    "questions.put_your_question_after": {
        "nl": "Stel je vraag achter het commando, bijvoorbeeld: {prefix}vraag Wie betaalt het leefgeld?",
        "en": "Put your question after the command, e.g. {prefix}ask Who pays the living allowance?",
    },
    "questions.that_question_too_long": {
        "nl": "Die vraag is te lang (meer dan {MAX_QUESTION_CHARS} tekens). Stel hem korter.",
        "en": "That question is too long (over {MAX_QUESTION_CHARS} characters). Please shorten it.",
    },
    "questions.ask_your_question_full": {
        "nl": "Stel je vraag in een hele zin, bijvoorbeeld: Wie betaalt het leefgeld van ontheemden?",
        "en": "Ask your question in a full sentence, e.g.: Who pays the living allowance?",
    },
    "questions.there_answer_but_its": {
        "nl": "Er is een antwoord, maar met een TLP-label dat hier niet gedeeld mag worden. Stel je vraag in je gemeentekamer.",
        "en": "There is an answer, but its TLP label does not allow sharing it here. Ask in your municipality room.",
    },
    "questions.kept_answers": {
        "nl": "Antwoorden bewaard voor wie de chat verliet ({rows}; bezorgd zodra zij de bot weer privé schrijven):",
        "en": "Answers kept for askers who left the chat ({rows}; delivered when they write to the bot in private again):",
    },
    "questions.kept_newest": {
        "nl": "(de nieuwste {shown})",
        "en": "(the newest {shown})",
    },
    "questions.kept_lapsed": {
        "nl": "verlopen, wordt niet meer bezorgd",
        "en": "lapsed, no longer delivered",
    },
    "questions.no_open_questions": {
        "nl": "Geen open vragen.",
        "en": "No open questions.",
    },
    "questions.question_does_not_exist": {
        "nl": "Vraag {code} bestaat niet.",
        "en": "Question {code} does not exist.",
    },
    "questions.question_was_already_answered": {
        "nl": "Vraag {code} is al beantwoord door {answered_by}.",
        "en": "Question {code} was already answered by {answered_by}.",
    },
    "questions.source": {
        "nl": "Bron",
        "en": "Source",
    },
    "questions.valid_until": {
        "nl": "Geldig tot",
        "en": "Valid until",
    },
    "questions.marked_not_served": {
        "nl": "Niet verstuurd naar {asker} ({code}) in {room}: {why} Die vraag blijft open{remedy}",
        "en": "Not sent to {asker} ({code}) in {room}: {why} That question stays open{remedy}",
    },
    # The way to reach a refused asker (commands/answer_remedy.py). A text answer takes
    # the question's own label: where that is above what the room may see, only a Q&A
    # of a label it may see can reach it, and the line must say so.
    "questions.remedy_text_or_qa": {
        "nl": "; beantwoord hem met tekst zonder hogere TLP-markering ({prefix}antwoord "
        "{code} <tekst>), of met een Q&A van ten hoogste TLP:{ceiling} ({prefix}antwoord "
        "{code} qa=<id>).",
        "en": "; answer it with text without a higher TLP marking ({prefix}answer {code} "
        "<text>), or with a Q&A of at most TLP:{ceiling} ({prefix}answer {code} qa=<id>).",
    },
    "questions.remedy_qa_only": {
        "nl": "; een antwoord in tekst krijgt het label van de vraag (TLP:{label}) en mag "
        "daar niet komen: beantwoord hem met een Q&A van ten hoogste TLP:{ceiling} "
        "({prefix}antwoord {code} qa=<id>).",
        "en": "; a text answer takes the question's label (TLP:{label}) and may not go "
        "there: answer it with a Q&A of at most TLP:{ceiling} ({prefix}answer {code} "
        "qa=<id>).",
    },
    "questions.remedy_none": {
        "nl": ".",
        "en": ".",
    },
    "questions.answer_not_sent": {
        "nl": "Niet verstuurd:",
        "en": "Not sent:",
    },
    "questions.room_of": {
        "nl": "de kamer van {org}",
        "en": "the room of {org}",
    },
    "questions.room_id": {
        "nl": "kamer {room}",
        "en": "room {room}",
    },
    "questions.why_now_exercise": {
        "nl": "die kamer werkt sinds de vraag aan een oefening, en de vraag hoort bij de "
        "werkelijkheid (echt en oefening lopen nooit door elkaar).",
        "en": "that room has worked on an exercise since the question, and the question is "
        "a real one (real and exercise never mix).",
    },
    "questions.why_now_real": {
        "nl": "die kamer werkt sinds de vraag aan een echt incident, en de vraag hoort bij "
        "een oefening (echt en oefening lopen nooit door elkaar).",
        "en": "that room has worked on a real incident since the question, and the "
        "question belongs to an exercise (real and exercise never mix).",
    },
    "questions.why_public": {
        "nl": "een openbare kamer ziet alleen TLP:CLEAR, en het antwoord valt onder TLP:{label}.",
        "en": "a public room sees TLP:CLEAR only, and the answer is TLP:{label}.",
    },
    "questions.why_unbound": {
        "nl": "een kamer zonder koppeling of een privégesprek ziet alleen TLP:CLEAR, en het "
        "antwoord valt onder TLP:{label}.",
        "en": "an unbound room or a direct chat sees TLP:CLEAR only, and the answer is "
        "TLP:{label}.",
    },
    "questions.why_clearance": {
        "nl": "die kamer mag tot TLP:{clearance} zien, en het antwoord valt onder TLP:{label}.",
        "en": "that room may see up to TLP:{clearance}, and the answer is TLP:{label}.",
    },
    "questions.why_red": {
        "nl": "het antwoord valt onder TLP:RED, en dat blijft in deze kamer.",
        "en": "the answer is TLP:RED, which stays in this room.",
    },
    "questions.why_strict": {
        "nl": "het antwoord valt onder TLP:AMBER+STRICT, en dat blijft binnen de eigen organisatie.",
        "en": "the answer is TLP:AMBER+STRICT, which stays within its own organisation.",
    },
    # A question withdrawn by its asker (the asking message redacted).
    "questions.edited_told": {
        "nl": "Je vraag {code} is bijgewerkt met je nieuwe tekst; de redactie ziet alleen die.",
        "en": "Your question {code} now has your new words; the curators see only those.",
    },
    "questions.edited_curators": {
        "nl": "Vraag {code} is aangepast door de vrager; dit is de nieuwe tekst:",
        "en": "Question {code} was changed by its asker; these are the new words:",
    },
    # A curator deleted their `!antwoord` (commands/answer_retraction.py).
    "questions.answer_retracted_told": {
        "nl": "De redactie heeft het antwoord op je vraag {code} ingetrokken. Je vraag "
        "staat weer open; het nieuwe antwoord komt hier.",
        "en": "The curators withdrew their answer to your question {code}. Your question "
        "is open again; the new answer will come here.",
    },
    "questions.answer_retracted_curators": {
        "nl": "Antwoord ingetrokken bij {codes}: bij de vragers weggehaald, en de vragen "
        "staan weer open.",
        "en": "Answer withdrawn for {codes}: taken back from the askers, and the questions "
        "are open again.",
    },
    "questions.answer_retracted_withdrawn": {
        "nl": "Antwoord ingetrokken bij {codes}: bij de vragers weggehaald. {gone} had de "
        "vrager zelf al ingetrokken; de andere staan weer open.",
        "en": "Answer withdrawn for {codes}: taken back from the askers. The askers of "
        "{gone} had withdrawn them already; the others are open again.",
    },
    "questions.answer_retracted_unlearnt": {
        "nl": "De formulering van {code} is uit Q&A {id} gehaald (versie {version}): die "
        "woorden krijgen dat antwoord niet meer vanzelf.",
        "en": "The phrasing of {code} was taken out of Q&A {id} (version {version}): those "
        "words no longer get that answer by themselves.",
    },
    "questions.answer_retracted_published": {
        "nl": "Q&A {id}, gepubliceerd uit dat antwoord, staat nog in de kennisbank: "
        "{prefix}qa intrekken {id}.",
        "en": "Q&A {id}, published from that answer, is still in the store: "
        "{prefix}qa retire {id}.",
    },
    # An edit changed what a linked question asks: the link was made for the old words.
    "questions.edit_unlinked": {
        "nl": "{own} is niet meer gekoppeld aan {code}: na de wijziging vragen ze iets "
        "anders. Beantwoord ze apart.",
        "en": "{own} is no longer linked to {code}: since the change they ask different "
        "things. Answer them separately.",
    },
    "questions.edit_withdrawn_told": {
        "nl": "Je aanpassing van {code} is ingetrokken; de vraag staat weer zoals eerst.",
        "en": "Your change to {code} is withdrawn; the question stands as it was.",
    },
    "questions.edit_withdrawn_curators": {
        "nl": "De vrager heeft de aanpassing van {code} ingetrokken; de vraag staat weer "
        "zoals eerst (zie {prefix}vragen).",
        "en": "The asker withdrew the change to {code}; the question stands as it was "
        "(see {prefix}questions).",
    },
    "questions.withdrawn_told": {
        "nl": "Je vraag {code} is ingetrokken; de redactie beantwoordt hem niet meer.",
        "en": "Your question {code} is withdrawn; the curators will not answer it.",
    },
    "questions.withdrawn_kept": {
        "nl": "Je vraag {code} is ingetrokken; het bewaarde antwoord van de redactie krijg je niet meer. Je woorden zijn verwijderd.",
        "en": "Your question {code} is withdrawn; you will no longer get the curators' kept answer. Your words have been removed.",
    },
    "questions.withdrawn_after_answer": {
        "nl": "Je vraag {code} was al beantwoord; dat antwoord blijft staan. Je woorden zijn verwijderd.",
        "en": "Your question {code} was already answered; that answer stands. Your words have been removed.",
    },
    "questions.withdrawn_curators": {
        "nl": "Vraag {code} is ingetrokken door de vrager; niet meer beantwoorden.",
        "en": "Question {code} was withdrawn by its asker; do not answer it.",
    },
    "questions.withdrawn_still_open": {
        "nl": "De gekoppelde vraag {open} blijft open: beantwoord die met {prefix}antwoord {open}.",
        "en": "The linked question {open} stays open: answer it with {prefix}answer {open}.",
    },
    "questions.withdrawn_refused": {
        "nl": "Vraag {code} is ingetrokken: de vrager heeft zijn bericht verwijderd. Er is niets verstuurd.",
        "en": "Question {code} is withdrawn: the asker withdrew it (deleted their message). Nothing was sent.",
    },
    "questions.withdrawn_linked_told": {
        "nl": "De vraag waaraan je vraag gekoppeld was, is ingetrokken door de vrager. Je vraag {own} blijft bij de redactie; het antwoord komt hier als reactie op je bericht.",
        "en": "The question yours was linked to was withdrawn by its asker. Your question {own} stays with the curators; the answer will arrive here as a reply to your message.",
    },
    "questions.withdraw_not_allowed": {
        "nl": "Vraag {code} blijft staan: alleen de vrager of een moderator van deze kamer kan hem intrekken.",
        "en": "Question {code} stays: only the asker or a moderator of this room can withdraw it.",
    },
}
