"""Texts of `knooppunt demo` (bot/devtools/): its narration, banner and errors. The
scenario itself (the reports and questions the demo people type) is Dutch content."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "demo.starting": {"nl": "Knooppunt-demo in {path}", "en": "Knooppunt demo in {path}"},
    "demo.homeserver_up": {
        "nl": "· homeserver draait op {url}",
        "en": "· homeserver running at {url}",
    },
    "demo.knowledge_imported": {
        "nl": "· voorbeeldkennis geïmporteerd: {count} items (Q&As en een handreiking)",
        "en": "· sample knowledge imported: {count} items (Q&As and a guidance document)",
    },
    "demo.objects_imported": {
        "nl": "· voorbeeldobjecten geïmporteerd: {count}",
        "en": "· sample objects imported: {count}",
    },
    "demo.signed_in": {
        "nl": "· bot en gebruikers aangemeld: {people}",
        "en": "· bot and users signed in: {people}",
    },
    "demo.rooms_made": {
        "nl": "· kamers gemaakt; de coördinator (ook beheerder in deze demo) koppelt ze",
        "en": "· rooms created; the coordinator (also an administrator in this demo) binds them",
    },
    "demo.liaison_reports": {
        "nl": "· de liaison van de GGD meldt drie keer (met cijfers)",
        "en": "· the GGD liaison reports three times (with figures)",
    },
    "demo.town_asks": {
        "nl": "· de gemeente vraagt: {question}",
        "en": "· the municipality asks: {question}",
    },
    "demo.desk_answers": {
        "nl": "· de redactie ziet {code} en antwoordt",
        "en": "· the editorial desk sees {code} and answers",
    },
    "demo.answer_arrived": {
        "nl": "    antwoord aangekomen in de gemeentekamer, als reactie op de vraag",
        "en": "    answer arrived in the municipality's room, as a reply to the question",
    },
    "demo.town_asks_more": {
        "nl": "· de gemeente vraagt nog: {question} (blijft open voor de redactie)",
        "en": "· the municipality also asks: {question} (stays open for the editorial desk)",
    },
    "demo.picture_asked": {
        "nl": "· de coördinator vraagt het situatiebeeld op\n",
        "en": "· the coordinator asks for the situation picture\n",
    },
    "demo.banner_running": {
        "nl": "Knooppunt-demo draait. Log in met een Matrix-client (bijvoorbeeld Element):",
        "en": "Knooppunt demo running. Sign in with a Matrix client (for example Element):",
    },
    "demo.banner_person": {
        "nl": "  {role:<12}{user}  wachtwoord: {password}",
        "en": "  {role:<12}{user}  password: {password}",
    },
    "demo.banner_health": {
        "nl": "  gezondheid: {url}/healthz  ·  metrics: /metrics",
        "en": "  health:     {url}/healthz  ·  metrics: /metrics",
    },
    "demo.banner_log": {"nl": "  log:        {path}", "en": "  log:        {path}"},
    "demo.banner_stop": {
        "nl": "Stoppen: Ctrl-C (dat stopt ook de homeserver).",
        "en": "To stop: Ctrl-C (that stops the homeserver too).",
    },
    "demo.bot_stopped": {
        "nl": "De bot is gestopt; de demo stopt ook.",
        "en": "The bot stopped; the demo stops too.",
    },
    "demo.stopping": {"nl": "\nDemo stopt…", "en": "\nDemo stopping…"},
    "demo.stopped": {"nl": "Alles gestopt.", "en": "Everything stopped."},
    # Errors (DemoError, HomeserverError): one line after "knooppunt: ".
    "demo.binding_failed": {
        "nl": "koppelen van {room} mislukt: {reply}",
        "en": "binding {room} failed: {reply}",
    },
    "demo.login_failed": {
        "nl": "inloggen mislukt voor {user}: {response}",
        "en": "login failed for {user}: {response}",
    },
    "demo.cannot_create_room": {
        "nl": "kan kamer {name} niet maken: {response}",
        "en": "cannot create room {name}: {response}",
    },
    "demo.not_joined": {
        "nl": "{user} is niet binnengekomen in {room}",
        "en": "{user} did not join {room}",
    },
    "demo.cannot_send": {
        "nl": "kan niet versturen naar {room}: {response}",
        "en": "cannot send to {room}: {response}",
    },
    "demo.no_answer": {
        "nl": "de bot antwoordde niet op tijd",
        "en": "the bot did not answer in time",
    },
    "demo.synapse_python_missing": {
        "nl": "KNOOPPUNT_SYNAPSE_PYTHON={path} bestaat niet",
        "en": "KNOOPPUNT_SYNAPSE_PYTHON={path} does not exist",
    },
    "demo.synapse_not_installed": {
        "nl": "Synapse is niet geïnstalleerd: draai scripts/setup.sh (dat maakt .venv-synapse) "
        "en start vanuit die map, of stel KNOOPPUNT_SYNAPSE_PYTHON in",
        "en": "Synapse is not installed: run scripts/setup.sh (it makes .venv-synapse) "
        "and start from that directory, or set KNOOPPUNT_SYNAPSE_PYTHON",
    },
    "demo.synapse_exited": {
        "nl": "Synapse op poort {port} stopte bij het starten (poort in gebruik?); "
        "het log eindigt met: {tail}",
        "en": "Synapse on port {port} exited at start (port in use?); its log ends: {tail}",
    },
    "demo.synapse_silent": {
        "nl": "Synapse antwoordde niet op {url} binnen {seconds} s",
        "en": "Synapse did not answer on {url} within {seconds} s",
    },
}
