"""The bot's texts in Dutch and English.

A flat catalogue keeps every user-facing sentence in one place, so a
translation gap shows up as a KeyError in the unit tests, not in a crisis room.
"""

from __future__ import annotations

from typing import cast

from commands.texts import Language, Localized, families

__all__ = ["TEXTS", "Language", "said", "t"]

TEXTS: dict[str, dict[Language, str]] = {
    "greeting": {
        "nl": "Hallo, ik ben Knooppunt, de informatiebot voor deze crisis. "
        "Typ {prefix}hulp voor wat ik kan.",
        "en": "Hello, I am Knooppunt, the information bot for this crisis. "
        "Type {prefix}help to see what I can do.",
    },
    "unknown_command": {
        "nl": "Onbekend commando: {command}.",
        "en": "Unknown command: {command}.",
    },
    "did_you_mean": {"nl": "Bedoelde je {suggestion}?", "en": "Did you mean {suggestion}?"},
    "see_help": {
        "nl": "Typ {prefix}hulp voor de lijst met commando's.",
        "en": "Type {prefix}help for the list of commands.",
    },
    "not_allowed": {
        "nl": "Dat mag hier niet: {reason}",
        "en": "Not allowed here: {reason}",
    },
    "grammar_error": {
        "nl": "Ik kan dit commando niet lezen: {error}",
        "en": "I cannot read this command: {error}",
    },
    "usage": {"nl": "Gebruik: {usage}", "en": "Usage: {usage}"},
    "example": {"nl": "Voorbeeld: {example}", "en": "Example: {example}"},
    "help_header": {
        "nl": "Commando's die je hier kunt gebruiken:",
        "en": "Commands you can use here:",
    },
    "help_footer": {
        "nl": "Meer over één commando: {prefix}hulp <commando>",
        "en": "More about one command: {prefix}help <command>",
    },
    "help_aliases": {"nl": "Ook: {aliases}", "en": "Also: {aliases}"},
    "internal_error": {
        "nl": "Er ging bij mij iets mis met dit bericht; er is niets opgeslagen. "
        "Probeer het opnieuw of meld het aan de beheerder (referentie {ref}).",
        "en": "Something went wrong on my side with this message; nothing was stored. "
        "Try again or tell the administrator (reference {ref}).",
    },
    "late": {
        "nl": "(Late reactie op je bericht van {when}.)",
        "en": "(Late reply to your message of {when}.)",
    },
    "plain_message_hint": {
        "nl": "Ik reageer op commando's. Typ {prefix}hulp voor wat ik kan.",
        "en": "I respond to commands. Type {prefix}help to see what I can do.",
    },
    "undecryptable": {
        "nl": "Ik kon {count} versleuteld(e) bericht(en) van je niet ontsleutelen en heb "
        "ze dus niet verwerkt. Stuur ze opnieuw vanuit een geverifieerde sessie; helpt dat "
        "niet, meld het dan aan de beheerder.",
        "en": "I could not decrypt {count} encrypted message(s) from you, so I did not "
        "process them. Send them again from a verified session; if that does not help, "
        "tell the administrator.",
    },
    "encryption_unsupported": {
        "nl": "Ik kan geen versleutelde berichten lezen: deze bot draait zonder "
        "versleuteling, dus je bericht is niet verwerkt. Stuur vertrouwelijke informatie "
        "niet onversleuteld; meld dit aan de beheerder, die versleuteling voor de bot kan "
        "aanzetten.",
        "en": "I cannot read encrypted messages: this bot runs without encryption, so your "
        "message was not processed. Do not send confidential information unencrypted "
        "instead; tell the administrator, who can turn on encryption for the bot.",
    },
    # Messages the bot does not act on (bot/untrusted.py): one notice each.
    "untrusted_device": {
        "nl": "Dit bericht heb ik niet verwerkt: het komt van sessie {session}, die niet "
        "geverifieerd is. Verifieer die sessie vanuit een van je andere sessies, of stuur het "
        "opnieuw vanuit een geverifieerde sessie. Herken je die sessie niet, meld haar dan af "
        "en wijzig je wachtwoord. Heb je je beveiligingssleutels opnieuw ingesteld, dan moet "
        "een beheerder je nieuwe sleutel eerst bevestigen. Kan je app sessies niet "
        "verifiëren (geen cross-signing), dan kan de beheerder de bot op "
        "'encryption_trust: tofu' zetten.",
        "en": "I did not process this message: it comes from session {session}, which is not "
        "verified. Verify that session from one of your other sessions, or send it again "
        "from a verified session. If you do not recognise that session, sign it out and "
        "change your password. If you reset your security keys, an administrator must "
        "confirm your new key first. If your app cannot verify sessions (no cross-signing), "
        "the administrator can set the bot to 'encryption_trust: tofu'.",
    },
    "untrusted_redaction": {
        "nl": "Deze verwijdering heb ik nog niet verwerkt: een verwijdering is niet "
        "versleuteld, dus ik kan niet zien vanuit welke sessie ze kwam, en je hebt een sessie "
        "die niet geverifieerd is ({sessions}). Ik bewaar haar {hours} uur: verifieer je "
        "die sessie binnen die tijd, dan voer ik de verwijdering alsnog uit (opnieuw "
        "verwijderen hoeft niet); daarna vervalt ze. Meld "
        "je die sessie af, bevestig de verwijdering dan met een 👍 op dit bericht vanuit een "
        "geverifieerde sessie. Herken je de sessie niet, meld haar dan af, wijzig je "
        "wachtwoord en bevestig niets.",
        "en": "I have not processed this deletion yet: a deletion is not encrypted, so I "
        "cannot tell which session it came from, and you have a session that is not verified "
        "({sessions}). I am keeping it for {hours} hours: if you verify that session within "
        "that time, I will carry out the deletion (no need to delete again); after that it "
        "lapses. If you sign that session out, confirm the "
        "deletion with a 👍 on this message from a verified session. If you do not recognise "
        "the session, sign it out, change your password and confirm nothing.",
    },
    # A kept deletion that lapsed (bot/held_redactions.py), under the message it named.
    "held_redaction_lapsed": {
        "nl": "Deze verwijdering heb ik niet uitgevoerd: ze is verlopen. Ik heb haar {hours} "
        "uur bewaard, maar in die tijd is je niet-geverifieerde sessie niet geverifieerd en "
        "kwam er geen 👍 op mijn bericht. Dit bericht telt voor mij dus nog mee. Moet het "
        "toch worden ingetrokken, zeg dat dan hier in een nieuw bericht vanuit een "
        "geverifieerde sessie.",
        "en": "I have not carried out this deletion: it has lapsed. I kept it for {hours} "
        "hours, but in that time your unverified session was not verified and no 👍 came "
        "on my message. So this message still counts for me. If it must still be taken "
        "back, say so here in a new message from a verified session.",
    },
    # What stands for {session} above when the device is not known by its keys.
    "untrusted_session_unknown": {"nl": "(onbekend)", "en": "(unknown)"},
    "plain_in_encrypted": {
        "nl": "Dit bericht heb ik niet verwerkt: het kwam onversleuteld binnen in een "
        "versleutelde kamer, dus ik kan niet nagaan wie het stuurde. Stuur het opnieuw "
        "vanuit een geverifieerde sessie.",
        "en": "I did not process this message: it arrived unencrypted in an encrypted room, "
        "so I cannot tell who sent it. Send it again from a verified session.",
    },
    "identity_changed": {
        "nl": "De beveiligingssleutels van {user} zijn veranderd. Tot een beheerder de nieuwe "
        "sleutel met die persoon heeft gecontroleerd en bevestigd, kan die mijn berichten "
        "hier niet lezen en verwerk ik die berichten niet.",
        "en": "The security keys of {user} have changed. Until an administrator has checked "
        "the new key with them and confirmed it, they cannot read my messages here and I do "
        "not process theirs.",
    },
    # Instead of the refusals above while the identity pin file cannot be read (the
    # bot trusts no one then): once per room, nothing about the file or the error.
    "identity_pins_unreadable": {
        "nl": "Ik verwerk je bericht nu niet: door een storing aan mijn kant kan ik je "
        "sessie nu niet controleren. Het ligt niet aan jouw sessie. Stuur je bericht "
        "opnieuw als een beheerder de storing heeft verholpen.",
        "en": "I am not processing your message right now: a fault on my side means I "
        "cannot check your session now. It is not your session. Send your message again "
        "once an administrator has fixed the fault.",
    },
    "reason_admin_only": {
        "nl": "alleen beheerders (admins in de configuratie) mogen dit.",
        "en": "only administrators (admins in the configuration) may do this.",
    },
    "figure_negative": {
        "nl": "'{field}' kan niet negatief zijn ('{value}'). Alleen een verandering of verschil "
        "mag negatief zijn, zoals 'verandering waterstand: -0,2 m'.",
        "en": "'{field}' cannot be negative ('{value}'). Only a change or difference may be "
        "negative, such as 'change in water level: -0.2 m'.",
    },
    "page_not_a_number": {
        "nl": "pagina= moet een getal vanaf 1 zijn, niet '{value}'. Voorbeeld: pagina=2",
        "en": "page= must be a number from 1, not '{value}'. Example: page=2",
    },
    "page_out_of_range": {
        "nl": "Pagina {page} bestaat niet; er zijn {pages} pagina('s).",
        "en": "Page {page} does not exist; there are {pages} page(s).",
    },
    "caption_file_not_kept": {
        "nl": "De bijlage ({filename}) heb ik niet bewaard: ik lees alleen het bijschrift.",
        "en": "I did not keep the attachment ({filename}): I read only its caption.",
    },
    "edit_unknown_original": {
        "nl": "Deze bewerking verwerk ik niet: het oorspronkelijke bericht ken ik niet in deze "
        "kamer. Stuur het als nieuw bericht.",
        "en": "I do not process this edit: I do not know the original message in this room. "
        "Send it as a new message.",
    },
    # An edit that names an earlier edit, not the original: the Matrix spec does not allow
    # it, and servers and clients ignore it; read as a new message it was a second report.
    "edit_of_an_edit": {
        "nl": "Deze bewerking verwerk ik niet: ze bewerkt een eerdere bewerking, niet het "
        "oorspronkelijke bericht. Bewerk het oorspronkelijke bericht, of stuur een nieuw bericht.",
        "en": "I do not process this edit: it edits an earlier edit, not the original message. "
        "Edit the original message, or send a new message.",
    },
    "edit_other_sender": {
        "nl": "Alleen wie een bericht stuurde kan het bewerken; stuur je eigen versie als nieuw "
        "bericht.",
        "en": "Only the sender of a message can edit it; send your own version as a new message.",
    },
    # An edit of a message that was redacted (storage/redactions.py).
    "edit_of_redacted": {
        "nl": "Het oorspronkelijke bericht is verwijderd (ingetrokken); deze wijziging doet niets. Stuur het opnieuw als nieuw bericht als het nog geldt.",
        "en": "The original message was deleted (withdrawn); this edit does nothing. Send it again as a new message if it still stands.",
    },
    "redaction_not_allowed": {
        "nl": "{code} blijft staan: alleen de melder of een moderator van deze kamer kan het "
        "intrekken.",
        "en": "{code} stays: only the reporter or a moderator of this room can retract it.",
    },
    "upgrade_refused": {
        "nl": "De koppeling van deze kamer is niet overgezet naar {new}: {reason} De koppeling blijft hier staan.",
        "en": "This room's binding was not carried over to {new}: {reason} The binding stays here.",
    },
    "upgrade_pending": {
        "nl": "De koppeling van deze kamer is (nog) niet overgezet naar {new}: {reason} Nodig me daar uit; dan controleer ik de upgrade en zet ik de koppeling over.",
        "en": "This room's binding was not carried over to {new} (yet): {reason} Invite me there; I will then check the upgrade and carry the binding over.",
    },
    "upgrade_pending_admin": {
        "nl": "Kamer {old} is vervangen door {new}; de koppeling staat nog op {old}: "
        "{reason} Nodig me daar uit; dan controleer ik de upgrade en zet ik de koppeling "
        "over.",
        "en": "Room {old} was replaced by {new}; the binding stays on {old}: {reason} "
        "Invite me there; I will then check the upgrade and carry the binding over.",
    },
    "upgrade_refused_admin": {
        "nl": "De koppeling van kamer {old} is niet overgezet naar {new}: {reason} De "
        "koppeling blijft op {old} staan.",
        "en": "The binding of room {old} was not carried over to {new}: {reason} The binding "
        "stays on {old}.",
    },
    "curators_waiting_admin": {
        "nl": "Berichten voor de redactie wachten: redactiekamer {old} is vervangen door "
        "{new}, maar daar ben ik niet uitgenodigd. Nodig me daar uit; dan bezorg ik ze daar. "
        "`knooppunt outbox` toont wat wacht.",
        "en": "Posts for the curators are waiting: curator room {old} was replaced by {new}, "
        "but I was not invited there. Invite me there; I will then deliver them there. "
        "`knooppunt outbox` lists what is waiting.",
    },
    "upgrade_carried": {
        "nl": "Deze kamer vervangt {old}: ik heb de koppeling (incident, organisatie, rol, TLP) overgezet.",
        "en": "This room replaces {old}: I carried its binding (incident, organisation, role, TLP) over.",
    },
    "upgrade_reason_bound": {
        "nl": "die kamer heeft al een eigen koppeling.",
        "en": "that room already has a binding of its own.",
    },
    "upgrade_reason_predecessor": {
        "nl": "die kamer noemt deze kamer niet als voorganger (geen echte kamerupgrade).",
        "en": "that room does not name this room as its predecessor (not a real room upgrade).",
    },
    "upgrade_reason_tombstone": {
        "nl": "de grafsteen van deze kamer wijst niet (meer) naar die kamer.",
        "en": "this room's tombstone does not (or no longer) point to that room.",
    },
    "upgrade_reason_join": {
        "nl": "ik kan die kamer niet in.",
        "en": "I cannot join that room.",
    },
    "reason_other_incident": {
        "nl": "alleen beheerders of moderators van een coördinatiekamer van incident {incident} mogen dat incident beheren.",
        "en": "only administrators or moderators of a coordination room of incident {incident} may manage that incident.",
    },
    # Answers that can be trusted (issue "Answers municipalities can trust").
    "read_as": {
        "nl": "Ik lees je vraag als: {question}",
        "en": "I read your question as: {question}",
    },
    "maybe_you_mean": {"nl": "Misschien bedoel je:", "en": "Perhaps you mean:"},
    "linked_told": {
        # Never the other asker's words: a question names people and their health,
        # which no cleaning finds reliably (commands/questions.open_question).
        "nl": "Dezelfde vraag ligt al bij de redactie: {code} (TLP:{tlp}), van een andere "
        "vrager. Je vraag is daaraan gekoppeld als {own}; je krijgt het antwoord hier ook, "
        "als reactie op je bericht. De redactie ziet beide vragen en beantwoordt de jouwe "
        "apart als hij toch anders is.",
        "en": "The same question is already with the curators: {code} (TLP:{tlp}), from "
        "another asker. Your question is linked to it as {own}; you will get the answer "
        "here too, as a reply to your message. The curators see both questions and answer "
        "yours separately if it differs after all.",
    },
    "linked_notice": {
        "nl": "{own} (TLP:{tlp}) van {asker} in {where} is gekoppeld aan {code} (zelfde vraag): “{question}”. "
        "Het antwoord op {code} gaat ook naar deze vrager; apart beantwoorden: {prefix}antwoord {own} <tekst>.",
        "en": "{own} (TLP:{tlp}) from {asker} in {where} is linked to {code} (same question): “{question}”. "
        "The answer to {code} goes to this asker too; to answer it separately: {prefix}answer {own} <text>.",
    },
    "linked_count": {"nl": "gekoppeld: {codes}", "en": "linked: {codes}"},
    "answer_usage": {
        "nl": "Gebruik: {prefix}antwoord <vraagnummer> <tekst> [--publish met regels bron: en "
        "geldig tot:] · {prefix}antwoord <vraagnummer> qa=<id> [--leer]",
        "en": "Usage: {prefix}answer <question-id> <text> [--publish with lines source: and "
        "valid until:] · {prefix}answer <question-id> qa=<id> [--learn]",
    },
    "publish_needs_source": {
        "nl": "Niet verstuurd en niet gepubliceerd: een gepubliceerde Q&A heeft een bron nodig. "
        "Zet er een regel bij: “bron: https://…” (en eventueel “geldig tot: 31-12-2026”).",
        "en": "Not sent and not published: a published Q&A needs a source. "
        "Add a line: “source: https://…” (and optionally “valid until: 31-12-2026”).",
    },
    "publish_bad_source": {
        "nl": "Niet verstuurd en niet gepubliceerd: de bron moet een http://- of https://-adres zijn.",
        "en": "Not sent and not published: the source must be an http:// or https:// address.",
    },
    "publish_bad_date": {
        "nl": "Niet verstuurd: “{value}” is geen datum; schrijf bijvoorbeeld “geldig tot: 31-12-2026”.",
        "en": "Not sent: “{value}” is not a date; write e.g. “valid until: 31-12-2026”.",
    },
    "publish_expired": {
        "nl": "Niet verstuurd en niet gepubliceerd: “geldig tot” ({until}) ligt in het verleden.",
        "en": "Not sent and not published: “valid until” ({until}) is in the past.",
    },
    "qa_unknown": {"nl": "Q&A {id} bestaat niet.", "en": "Q&A {id} does not exist."},
    "qa_expired": {
        "nl": "Niet verstuurd: Q&A {id} is niet geldig op dit moment ({note}). "
        "Werk hem bij met {prefix}qa edit {id}, of antwoord met tekst.",
        "en": "Not sent: Q&A {id} is not valid at this time ({note}). "
        "Update it with {prefix}qa edit {id}, or answer with text.",
    },
    "qa_answer_head": {
        "nl": "Antwoord van de redactie op je vraag {code}:",
        "en": "The curators' answer to your question {code}:",
    },
    "qa_sent": {
        "nl": "Q&A {id} verstuurd naar {askers} ({codes}).",
        "en": "Q&A {id} sent to {askers} ({codes}).",
    },
    "qa_not_served": {
        "nl": "Niet verstuurd naar {asker} ({code}): die kamer mag TLP:{label} niet zien. "
        "Die vraag blijft open{remedy}",
        "en": "Not sent to {asker} ({code}): that room may not see TLP:{label}. "
        "That question stays open{remedy}",
    },
    "qa_nobody_served": {
        "nl": "Niets verstuurd: geen van de vragers mag Q&A {id} (TLP:{label}) zien.",
        "en": "Nothing sent: none of the askers may see Q&A {id} (TLP:{label}).",
    },
    "learn_offer": {
        "nl": "Als nieuwe formulering van {id} (na opschonen): “{phrasing}”. "
        "Toevoegen: {prefix}antwoord {code} --leer (eigen formulering: met een regel “vraag: …”).",
        "en": "As a new phrasing of {id} (cleaned): “{phrasing}”. "
        "To add it: {prefix}answer {code} --learn (own phrasing: with a line “question: …”).",
    },
    # The curator's own `vraag:` words are not kept between commands: the hint gives the
    # whole command with that line, so that sending it as shown adds exactly those words.
    "learn_offer_own": {
        "nl": "Als nieuwe formulering van {id}: “{phrasing}”. Toevoegen:\n"
        "{prefix}antwoord {code} --leer\nvraag: {phrasing}",
        "en": "As a new phrasing of {id}: “{phrasing}”. To add it:\n"
        "{prefix}answer {code} --learn\nquestion: {phrasing}",
    },
    "learn_added": {
        "nl": "Formulering toegevoegd aan Q&A {id} (versie {version}): “{phrasing}”.",
        "en": "Phrasing added to Q&A {id} (version {version}): “{phrasing}”.",
    },
    "learn_known": {
        "nl": "Q&A {id} had de formulering “{phrasing}” al.",
        "en": "Q&A {id} already had the phrasing “{phrasing}”.",
    },
    "learn_label": {
        "nl": "Formulering niet toegevoegd: vraag {code} (TLP:{label}) mag niet mee met Q&A {id} "
        "(TLP:{qa_label}); wie de Q&A ziet, mag de vraag niet altijd zien. Geef een eigen "
        "formulering met een regel “vraag: …” (die krijgt het label van de Q&A).",
        "en": "Phrasing not added: question {code} (TLP:{label}) may not go with Q&A {id} "
        "(TLP:{qa_label}); not everyone who sees the Q&A may see the question. Give your own "
        "phrasing with a line “question: …” (it takes the Q&A's label).",
    },
    "learn_marked": {
        "nl": "Formulering niet toegevoegd: zij noemt TLP:{label}, boven Q&A {id} (TLP:{qa_label}); "
        "wie de Q&A ziet, mag haar niet altijd zien.",
        "en": "Phrasing not added: it says TLP:{label}, above Q&A {id} (TLP:{qa_label}); "
        "not everyone who sees the Q&A may see it.",
    },
    "answer_marked_refused": {
        "nl": "Niet verstuurd: het antwoord noemt TLP:{label}, en de kamer van {codes} mag dat "
        "niet zien. Haal de markering weg als het antwoord daar mag komen.",
        "en": "Not sent: the answer says TLP:{label}, and the room of {codes} may not see that. "
        "Remove the marking if the answer may go there.",
    },
    "learn_too_short": {
        "nl": "Formulering niet toegevoegd: na opschonen blijft te weinig over. "
        "Geef een eigen formulering met een regel “vraag: …”.",
        "en": "Phrasing not added: too little is left after cleaning. "
        "Give your own phrasing with a line “question: …”.",
    },
    "learn_needs_qa": {
        "nl": "{code} is niet met een Q&A beantwoord; --leer werkt na {prefix}antwoord {code} qa=<id>.",
        "en": "{code} was not answered with a Q&A; --learn works after {prefix}answer {code} qa=<id>.",
    },
    "phrasing_preview": {
        "nl": "Opgeschoond (voor qa=<id> --leer): “{phrasing}”",
        "en": "Cleaned (for qa=<id> --learn): “{phrasing}”",
    },
    "answer_also_to": {
        "nl": " Ook verstuurd naar de gekoppelde vragen: {codes}.",
        "en": " Also sent to the linked questions: {codes}.",
    },
    "free_text_offer": {
        "nl": "Vastleggen als melding? ({summary}) Antwoord 'ja' of reageer met 👍.",
        "en": "Record this as a report? ({summary}) Reply 'yes' or react with 👍.",
    },
    "free_text_recorded": {
        "nl": "Melding {code} vastgelegd uit je bericht.",
        "en": "Report {code} recorded from your message.",
    },
    "free_text_recorded_direct": {
        "nl": "Melding {code} vastgelegd uit je bericht (deze kamer legt updates direct vast). "
        "Niet bedoeld? Verwijder je bericht.",
        "en": "Report {code} recorded from your message (this room records updates directly). "
        "Not meant? Delete your message.",
    },
    "free_text_already": {
        "nl": "Dit bericht is al vastgelegd als melding {code}.",
        "en": "This message was already recorded as report {code}.",
    },
    "free_text_off_report": {
        "nl": "Niet vastgelegd: dit lijkt een melding, maar vrije tekst staat uit in deze "
        "kamer. Stuur het als {prefix}melding <categorie> met de velden eronder (geen spatie "
        "na de {prefix}).",
        "en": "Not recorded: this looks like a report, but free text is off in this room. "
        "Send it as {prefix}report <category> with the fields below (no space after the "
        "{prefix}).",
    },
    "free_text_offer_void": {
        "nl": "Dat aanbod vervalt: deze kamer is sinds je bericht opnieuw gekoppeld. Klopt de "
        "update nog, stuur hem dan opnieuw.",
        "en": "That offer has lapsed: this room was bound anew since your message. If the "
        "update still holds, send it again.",
    },
    "free_text_thumb_unmatched": {
        "nl": "Ik kan je 👍 niet koppelen aan een aanbod van mij (ik ben intussen opnieuw "
        "aangemeld) en heb niets vastgelegd. Antwoord 'ja' op het aanbod of stuur de update "
        "opnieuw.",
        "en": "I cannot match your 👍 to an offer of mine (I logged in again meanwhile) and "
        "recorded nothing. Reply 'yes' to the offer or send the update again.",
    },
    "free_text_mode_set": {
        "nl": "Vrije tekst in deze kamer: {mode}.",
        "en": "Free text in this room: {mode}.",
    },
    "free_text_mode_usage": {
        "nl": "Gebruik: {prefix}vrijetekst aanbieden|direct|uit (nu: {mode}). aanbieden: ik vraag "
        "of een update vastgelegd moet worden; direct: ik leg hem meteen vast en bevestig; uit: "
        "ik reageer niet op vrije tekst.",
        "en": "Usage: {prefix}freetext offer|direct|off (now: {mode}). offer: I ask whether to "
        "record an update; direct: I record it at once and confirm; off: I ignore free text.",
    },
    "report_refused_head": {"nl": "Melding niet opgeslagen:", "en": "Report not stored:"},
    # Situation items and the picture (commands/reports.py, commands/picture.py).
    "report_follows": {"nl": "vervolg op {code}", "en": "follow-up of {code}"},
    "picture_category_title": {
        "nl": "{name}: {shown} actueel (laatste per organisatie, plaats en locatie)",
        "en": "{name}: {shown} current (latest per organisation, place and location)",
    },
    "picture_unchanged": {
        "nl": "TLP:{label} — Situatiebeeld {incident}: geen wijzigingen sinds het volledige "
        "beeld van {at}. Het hele beeld: {command}",
        "en": "TLP:{label} — Situation picture {incident}: nothing changed since the full "
        "picture of {at}. The whole picture: {command}",
    },
    "report_follows_unknown": {
        "nl": "betreft: {code} ken ik niet in dit incident (of deze kamer mag hem niet zien).",
        "en": "regarding: I do not know {code} in this incident (or this room may not see it).",
    },
}


for _key, _entry in families().items():
    if _key in TEXTS:
        raise ValueError(f"text key {_key!r} defined twice")
    TEXTS[_key] = _entry


def t(lang: Language, key: str, **values: object) -> str:
    """The sentence `key` in `lang`; a value that is itself localized follows the language."""
    template = TEXTS[key][lang]
    if not values:
        return template
    return template.format(**{name: _in(lang, value) for name, value in values.items()})


def said(lang: Language, value: object) -> str:
    """A value as text in `lang`: a catalogue error (`storage.errors.SaidError`), a file
    problem or a localized word in that language; anything else as `str()` says it."""
    return str(_in(lang, value))


def _in(lang: Language, value: object) -> object:
    localized = getattr(value, "localized", None)
    if callable(localized):
        return cast("Localized", value).localized(lang)
    # A key with its values, from a layer below that does not import the catalogue
    # (`knowledge.problems.FileProblem`, `storage.errors.SaidError` and its kinds).
    key, values = getattr(value, "key", None), getattr(value, "values", None)
    if isinstance(key, str) and key in TEXTS and isinstance(values, (tuple, dict)):
        return t(lang, key, **dict(values))
    return value
