"""`!help` / `!hulp`: generated from the registry, filtered by permission."""

from __future__ import annotations

from commands import render
from commands.context import CommandContext
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing, Reply
from commands.registry import Command, usage_line


async def show_help(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    lang, prefix = ctx.lang, ctx.prefix
    if parsed.words:
        name = parsed.words[0].lstrip(prefix).lower()
        command = ctx.registry.lookup(name)
        if command is None:
            text = t(lang, "unknown_command", command=prefix + render.shorten(name, 40))
            suggestion = ctx.registry.suggest(name)
            if suggestion:
                text += " " + t(lang, "did_you_mean", suggestion=prefix + suggestion)
            return [render.plain(text)]
        return [_one(ctx, command)]
    allowed = [c for c in ctx.registry.commands if c.permission(ctx) is None]
    lines = [t(lang, "help_header")]
    html = [f"<p>{render.escape(lines[0])}</p><ul>"]
    for command in allowed:
        usage = usage_line(command, lang, prefix)
        summary = command.summary[lang]
        lines.append(f"• {usage} — {summary}")
        html.append(f"<li>{render.code(usage)} — {render.escape(summary)}</li>")
    footer = t(lang, "help_footer", prefix=prefix)
    lines.append(footer)
    html.append(f"</ul><p>{render.escape(footer)}</p>")
    return [Reply(text="\n".join(lines), html="".join(html))]


def _one(ctx: CommandContext, command: Command) -> Reply:
    lang, prefix = ctx.lang, ctx.prefix
    usage = t(lang, "usage", usage=usage_line(command, lang, prefix))
    example = t(lang, "example", example=command.example[lang].format(prefix=prefix))
    other = [prefix + n for n in command.all_names if n != command.name(lang)]
    lines = [f"{prefix}{command.name(lang)} — {command.summary[lang]}", usage, example]
    if other:
        lines.append(t(lang, "help_aliases", aliases=", ".join(other)))
    refusal = command.permission(ctx)
    if refusal is not None:
        lines.append(t(lang, "not_allowed", reason=refusal))
    return render.plain("\n".join(lines))


HELP = Command(
    name_nl="hulp",
    name_en="help",
    summary={
        "nl": "toont de commando's die je hier kunt gebruiken",
        "en": "lists the commands you can use here",
    },
    usage={"nl": "{prefix}hulp [commando]", "en": "{prefix}help [command]"},
    example={"nl": "{prefix}hulp melding", "en": "{prefix}help report"},
    handler=show_help,
)
