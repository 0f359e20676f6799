"""Texts of the operator's subcommands: `knooppunt crypto status` (bot/cli/crypto.py)
and the notes of `knooppunt export` (bot/cli/export.py)."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    # `knooppunt audit` (storage/audit.py's events); an action is a code, not a sentence.
    "audit.recorded": {
        "nl": "{who} legde {code} vast in {room} (TLP:{tlp})",
        "en": "{who} recorded {code} in {room} (TLP:{tlp})",
    },
    "audit.revision": {
        "nl": "{who} maakte versie {revision} van {code}",
        "en": "{who} made revision {revision} of {code}",
    },
    "audit.moved": {
        "nl": "{who} verplaatste {code} van incident {from} naar {to}",
        "en": "{who} moved {code} from incident {from} to {to}",
    },
    "audit.action": {
        "nl": "{who} {action} {subject} {detail}",
        "en": "{who} {action} {subject} {detail}",
    },
    "audit.action_in_room": {
        "nl": "{who} {action} {subject} in {room} {detail}",
        "en": "{who} {action} {subject} in {room} {detail}",
    },
    # `knooppunt outbox` (bot/cli/outbox.py): what waits, never its content.
    "cli.outbox_empty": {
        "nl": "Er wacht niets in de outbox.",
        "en": "Nothing is waiting in the outbox.",
    },
    "cli.outbox_header": {
        "nl": "Wachtend in de outbox: {count} (waarvan {stuck} op een uitnodiging in een "
        "vervangende kamer):",
        "en": "Waiting in the outbox: {count} ({stuck} of them for an invite to a replacing room):",
    },
    "cli.outbox_row": {
        "nl": "#{id} {kind} naar {room}, sinds {when}",
        "en": "#{id} {kind} to {room}, since {when}",
    },
    "cli.outbox_curators": {"nl": ", alleen voor de redactie", "en": ", for curators only"},
    "cli.outbox_invite": {
        "nl": "; wacht tot ik ben uitgenodigd in {new}, die de kamer verving",
        "en": "; waits until I am invited to {new}, which replaced the room",
    },
    "cli.outbox_admin_chat": {
        "nl": "; wacht tot deze beheerder een direct gesprek met mij opent (mij uitnodigt)",
        "en": "; waits until this admin opens a direct chat with me (invites me to one)",
    },
    # Configuration errors (bot/config.py `ConfigError`), one line after "knooppunt: ".
    "cli.config_not_set": {
        "nl": "{setting} is niet ingesteld ({env} of `{setting}:`)",
        "en": "{setting} is not set ({env} or `{setting}:`)",
    },
    "cli.config_no_credentials": {
        "nl": "geen inloggegevens: stel password (KNOOPPUNT_PASSWORD) of access_token "
        "(KNOOPPUNT_ACCESS_TOKEN) in",
        "en": "no credentials: set password (KNOOPPUNT_PASSWORD) or access_token "
        "(KNOOPPUNT_ACCESS_TOKEN)",
    },
    "cli.config_unknown_setting": {
        "nl": "configuratiefout: {setting}: onbekende instelling",
        "en": "config error: {setting}: unknown setting",
    },
    "cli.config_invalid": {
        "nl": "configuratiefout: {setting}: {error}",
        "en": "config error: {setting}: {error}",
    },
    "cli.config_invalid_env": {
        "nl": "configuratiefout: {setting} (of {env}): {error}",
        "en": "config error: {setting} (or {env}): {error}",
    },
    "cli.config_unreadable": {
        "nl": "configuratiefout: kan {path} niet lezen: {error}",
        "en": "config error: cannot read {path}: {error}",
    },
    "cli.config_not_yaml": {
        "nl": "configuratiefout: {path} is geen geldige YAML: {error}",
        "en": "config error: {path} is not valid YAML: {error}",
    },
    "cli.config_not_a_mapping": {
        "nl": "configuratiefout: {path} moet een lijst van instellingen (een mapping) bevatten",
        "en": "config error: {path} must hold a mapping of settings",
    },
    "cli.config_unknown_override": {
        "nl": "configuratiefout: onbekende optie {setting}",
        "en": "config error: unknown override {setting}",
    },
    "cli.config_cannot_listen": {
        "nl": "http_listen {address}: {error}",
        "en": "http_listen {address}: {error}",
    },
    # The rules of single settings (bot/config.py validators).
    "cli.setting_role": {
        "nl": "moet een van {known} zijn (of gemeente, redactie, ...)",
        "en": "must be one of {known} (or gemeente, redactie, ...)",
    },
    "cli.setting_tlp": {
        "nl": "moet een van {known} zijn (of groen, oranje, rood)",
        "en": "must be one of {known} (or groen, oranje, rood)",
    },
    "cli.setting_org_too_long": {
        "nl": "een organisatienaam mag hoogstens {limit} tekens lang zijn",
        "en": "an organisation name may be at most {limit} characters long",
    },
    "cli.setting_empty": {"nl": "mag niet leeg zijn", "en": "must not be empty"},
    "cli.setting_http": {
        "nl": "moet beginnen met http:// of https://",
        "en": "must start with http:// or https://",
    },
    "cli.setting_user_id": {
        "nl": "{value!r} is geen Matrix-gebruikers-id (@naam:server)",
        "en": "{value!r} is not a Matrix user id (@name:server)",
    },
    "cli.setting_metric_key": {
        "nl": "{value!r} is geen cijfersleutel (kleine letters, cijfers en _, "
        "zoals zandzakken_geplaatst)",
        "en": "{value!r} is not a metric key (lower case, digits and _, like zandzakken_geplaatst)",
    },
    "cli.setting_prefix": {
        "nl": "moet een niet-lege tekst zonder spaties zijn",
        "en": "must be a non-empty string without spaces",
    },
    "cli.unknown_role": {
        "nl": "onbekende rol {word!r}; een van: {names}",
        "en": "unknown role {word!r}; one of: {names}",
    },
    "cli.bad_choice": {
        "nl": "{option} moet een van {known} zijn (niet {given!r})",
        "en": "{option} must be one of {known} (not {given!r})",
    },
    "cli.demo_store_in_use": {
        "nl": "--demo laadt de voorbeeldcrisis alleen in een lege database, en deze bevat "
        "al gegevens ({what}) die niet uit het voorbeeld komen: de voorbeeldobjecten zouden "
        "die van echte eigenaren vervangen. Gebruik een eigen map, bijv. "
        "KNOOPPUNT_DATA_DIR=/tmp/knooppunt-demo en geen KNOOPPUNT_DATABASE_URL",
        "en": "--demo loads the sample crisis into an empty database only, and this one "
        "already holds data ({what}) the sample did not put there: the sample objects would "
        "replace those of real owners. Use a directory of its own, e.g. "
        "KNOOPPUNT_DATA_DIR=/tmp/knooppunt-demo and no KNOOPPUNT_DATABASE_URL",
    },
    "cli.unknown_incident": {
        "nl": "onbekend incident {incident!r}",
        "en": "unknown incident {incident!r}",
    },
    "crypto.label_user": {"nl": "gebruiker", "en": "user"},
    "crypto.label_encryption": {"nl": "versleuteling", "en": "encryption"},
    "crypto.label_room_keys": {"nl": "kamersleutels voor", "en": "room keys for"},
    "crypto.label_key_file": {"nl": "sleutelbestand", "en": "key file"},
    "crypto.label_device": {"nl": "apparaat", "en": "device"},
    "crypto.label_cross_signed": {"nl": "kruisgetekend", "en": "cross-signed"},
    "crypto.label_master_key": {"nl": "hoofdsleutel", "en": "master key"},
    "crypto.value": {"nl": "{value}", "en": "{value}"},
    "crypto.on": {"nl": "aan", "en": "on"},
    "crypto.off": {"nl": "uit", "en": "off"},
    "crypto.devices": {"nl": "{trust} apparaten", "en": "{trust} devices"},
    "crypto.key_file_missing": {"nl": "{path} (ontbreekt)", "en": "{path} (missing)"},
    "crypto.key_file_mode": {"nl": "{path} (modus {mode})", "en": "{path} (mode {mode})"},
    "crypto.no_device": {
        "nl": "nog geen (de bot heeft nog niet ingelogd)",
        "en": "none yet (the bot has not logged in)",
    },
    "crypto.unknown": {
        "nl": "onbekend (kan {server} niet vragen: {error})",
        "en": "unknown (cannot ask {server}: {error})",
    },
    "crypto.yes": {"nl": "ja", "en": "yes"},
    "crypto.no": {"nl": "NEE", "en": "NO"},
    "crypto.no_master_key": {"nl": "geen op de homeserver", "en": "none on the homeserver"},
    "crypto.master_differs": {
        "nl": "(anders dan in het sleutelbestand: de volgende start zet hem opnieuw)",
        "en": "(differs from the key file: the next start resets it)",
    },
    "crypto.identity_accepted": {
        "nl": "de oude hoofdsleutel van {user} is vergeten; de draaiende bot legt binnen één "
        "synchronisatie de sleutel vast die hij dan ziet (vergelijk die eerst met {user})",
        "en": "forgot the old master key of {user}; within one sync the running bot pins "
        "the key it sees then (compare it with {user} first)",
    },
    "crypto.identity_not_pinned": {
        "nl": "voor {user} is geen hoofdsleutel vastgelegd in {path}",
        "en": "no master key of {user} is pinned in {path}",
    },
    "crypto.identity_pins_unreadable": {
        "nl": "{path} is onleesbaar: niets veranderd. Zet het bestand terug uit de back-up; "
        "tot dan vertrouwt de bot alleen wie hij al kende, niemand nieuw",
        "en": "{path} is unreadable: nothing changed. Restore the file from the backup; "
        "until then the bot trusts only identities it knew, no one new",
    },
    "crypto.identity_pins_missing": {
        "nl": "{path} ontbreekt: niets veranderd. Is het bestand kwijt, zet het dan terug uit "
        "de back-up. Draaide deze bot vóór sessie 16 met encryption_trust: tofu (toen werd "
        "het niet geschreven), voer dan eerst `knooppunt crypto new-identities` uit",
        "en": "{path} is missing: nothing changed. If the file was lost, restore it from the "
        "backup. If this bot ran under encryption_trust: tofu before session 16 (which "
        "wrote no such file), run `knooppunt crypto new-identities` first",
    },
    "crypto.identities_started": {
        "nl": "{path} is leeg aangemaakt: de bot legt vanaf nu ieders hoofdsleutel vast "
        "zoals hij die het eerst ziet (een draaiende bot leest het na zijn volgende sync)",
        "en": "{path} started empty: from now on the bot pins each person's master key as "
        "it first sees it (a running bot reads it after its next sync)",
    },
    "crypto.identities_exists": {
        "nl": "{path} bestaat al: niets veranderd. Is het onleesbaar, zet het dan terug "
        "uit de back-up",
        "en": "{path} exists: nothing changed. If it is unreadable, restore it from the backup",
    },
    "crypto.identities_judged": {
        "nl": "Niet aangemaakt: de cryptostore laat zien dat deze bot al sessies controleerde "
        "met cross-signed, dus {path} bevatte vastgelegde sleutels en is kwijt. Zet het "
        "terug uit de back-up. Alleen zonder back-up: schrijf zelf {{}} in het bestand; dan "
        "vertrouwt de bot ieders sleutel zoals de homeserver die nu toont, ook een reset "
        "door een aanvaller",
        "en": "Not started: the crypto store shows this bot checked sessions under "
        "cross-signed before, so {path} held pins and was lost. Restore it from the "
        "backup. Only without a backup: write {{}} into it by hand, which trusts every "
        "person's key as the homeserver shows it now, an attacker's reset included",
    },
    "crypto.identities_unknown": {
        "nl": "Niet aangemaakt: de cryptostore in {store} is onleesbaar, dus niet na te gaan "
        "of hier sleutels waren vastgelegd. Zet {path} terug uit de back-up, of schrijf "
        "zelf {{}} in het bestand (dan vertrouwt de bot ieders sleutel zoals de homeserver "
        "die nu toont)",
        "en": "Not started: the crypto store in {store} cannot be read, so whether keys were "
        "pinned here cannot be told. Restore {path} from the backup, or write {{}} into it "
        "by hand (which trusts every person's key as the homeserver shows it now)",
    },
    "export.note_written": {
        "nl": "{kind}{count} melding(en) van {incident} geschreven naar {where} "
        "(banner TLP:{label})",
        "en": "{kind}{count} entries of {incident} written to {where} (banner TLP:{label})",
    },
    "export.note_exercise": {"nl": "{marker} (oefening) ", "en": "{marker} (exercise) "},
    "export.note_stdout": {"nl": "standaarduitvoer", "en": "standard output"},
    "export.note_left_out": {
        "nl": "let op: {total} melding(en) weggelaten omdat hun label boven --max-tlp "
        "{ceiling} ligt: {labels}; gebruik --max-tlp {highest} om ze mee te nemen",
        "en": "warning: {total} entries left out because their label is above "
        "--max-tlp {ceiling}: {labels}; use --max-tlp {highest} to include them",
    },
}
