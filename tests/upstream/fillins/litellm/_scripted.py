"""The scripted model behind the `litellm` stand-in (format: tests/upstream/README.md).

Every agent finds its script in the prompt it is given: the first user message that
contains "CBTEST-" (the task text, i.e. the feature.md, or both feature.md files in solo).
Lines of the form `CBTEST-<WORD>[: args]` are read in order:

  CBTEST-STEP: <bash>          one model turn that runs <bash> in the agent's container
  CBTEST-SEND: <agent> <text>  one turn that sends <text> to <agent>; dropped (no turn)
                               when the agent is not offered messaging
  CBTEST-RAISE: <Name> [xN] [text]
                               the next turn raises litellm.exceptions.<Name> instead
                               (N times, then answers; without xN: every time)
  CBTEST-COST: <usd>           cost that completion_cost() reports for this and later turns
  CBTEST-SLEEP: <seconds>      the next turn answers only after <seconds>
  CBTEST-LOOP                  from here on every turn runs `echo cbtest-loop` (never submits)
  CBTEST-NOCONTENT             tool-call turns carry content=None (as some real models do)

After the last line the model submits (`echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT`).

Which turn is due is derived from the conversation itself (the highest "cbtest-step-N"
marker in earlier assistant turns), so the model is stateless and deterministic; retries
of a raising turn see the same messages and hit the same line.  Only "xN" counts are kept
in memory (per script and turn).

Answer shape: with `tools` (mini_swe_agent_v2) a tool call (`bash` or `send_message`);
without (mini_swe_agent v1) one ```bash block in the content.
"""

import hashlib
import json
import os
import re
import threading
import time

from . import exceptions

DEFAULT_COST = 0.001  # USD per turn unless a CBTEST-COST line says otherwise
SUBMIT_COMMAND = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"
LOOP_COMMAND = "echo cbtest-loop"

_DIRECTIVE = re.compile(r"^\s*CBTEST-([A-Z]+)\s*(?::\s?(.*?))?\s*$")
_MARKER = re.compile(r"cbtest-step-(\d+)")

DEFAULT_MESSAGES = {
    "RateLimitError": "CohereException - too many requests, rate limit exceeded (cbtest scripted)",
    "Timeout": "CohereException - Request timed out after 600.0 seconds (cbtest scripted)",
    "AuthenticationError": 'CohereException - {"message":"invalid api token"} (cbtest scripted)',
}

_raise_counts = {}
_lock = threading.Lock()


class ScriptError(ValueError):
    pass


class Turn:
    """One model answer: kind is bash | send | loop | submit."""

    def __init__(self, kind, cost, command="", recipient="", text=""):
        self.kind, self.cost = kind, cost
        self.command, self.recipient, self.text = command, recipient, text
        self.raises = []  # [(exception name, count or None, message)]
        self.sleep = 0.0


def parse(text):
    """Script text -> (turns, options).  The last turn is a loop or the submit."""
    turns, options = [], {"nocontent": False}
    cost, raises, sleep = DEFAULT_COST, [], 0.0

    def add(turn):
        nonlocal raises, sleep
        turn.raises, turn.sleep = raises, sleep
        raises, sleep = [], 0.0
        turns.append(turn)

    for line in text.splitlines():
        m = _DIRECTIVE.match(line)
        if not m:
            continue
        word, arg = m.group(1), (m.group(2) or "")
        if word == "STEP":
            add(Turn("bash", cost, command=arg))
        elif word == "SEND":
            recipient, _, body = arg.partition(" ")
            add(Turn("send", cost, recipient=recipient, text=body))
        elif word == "RAISE":
            parts = arg.split(None, 2)
            if not parts or parts[0] not in exceptions.RAISABLE:
                raise ScriptError(f"CBTEST-RAISE: unknown exception {arg!r}; known: {sorted(exceptions.RAISABLE)}")
            name, rest = parts[0], parts[1:]
            count = None
            if rest and re.fullmatch(r"x\d+", rest[0]):
                count = int(rest.pop(0)[1:])
            raises.append((name, count, " ".join(rest) or DEFAULT_MESSAGES.get(name, f"CohereException - {name} (cbtest scripted)")))
        elif word == "COST":
            cost = float(arg)
        elif word == "SLEEP":
            sleep = float(arg)
        elif word == "NOCONTENT":
            options["nocontent"] = True
        elif word == "LOOP":
            add(Turn("loop", cost, command=LOOP_COMMAND))
            return turns, options
        else:
            raise ScriptError(f"unknown directive CBTEST-{word}")
    add(Turn("submit", cost, command=SUBMIT_COMMAND))
    return turns, options


# --- reading the conversation ----------------------------------------------------------
def _text(content):
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}] (cache-control form)
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _script_source(messages):
    for msg in messages:
        if msg.get("role") == "user" and "CBTEST-" in _text(msg.get("content")):
            return _text(msg.get("content"))
    return ""


_MESSAGING_USAGE = re.compile(r"send_message\s+(?:--wait\s+)?\S+\s+[\"'<]")


def _prompt_offers_messaging(messages):
    # v1 and v2 (0.0.14+) show a `send_message <agent> "..."` / `send_message <agent> <<'MSG'`
    # usage example in the system/instance prompt only when messaging is on (0.0.14+'s coop
    # prompt names `send_message` in passing either way); v2 0.0.11 offers a send_message
    # tool instead (checked by the caller).
    return any(_MESSAGING_USAGE.search(_text(msg.get("content"))) for msg in messages[:2])


def _next_index(messages):
    seen = -1
    for msg in messages:
        if msg.get("role") != "assistant":
            continue
        for m in _MARKER.finditer(_text(msg.get("content"))):
            seen = max(seen, int(m.group(1)))
        for call in msg.get("tool_calls") or []:
            call_id = call.get("id", "") if isinstance(call, dict) else getattr(call, "id", "")
            for m in _MARKER.finditer(call_id or ""):
                seen = max(seen, int(m.group(1)))
    return seen + 1


# --- the response objects (the attributes and model_dump() upstream reads) -------------
class _Obj:
    def model_dump(self, **kwargs):
        def dump(v):
            if isinstance(v, _Obj):
                return v.model_dump()
            if isinstance(v, list):
                return [dump(x) for x in v]
            return v

        return {k: dump(v) for k, v in vars(self).items() if not k.startswith("_")}

    def __getitem__(self, key):  # litellm objects also allow response["choices"]
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)


class Function(_Obj):
    def __init__(self, name, arguments):
        self.arguments, self.name = arguments, name


class ChatCompletionMessageToolCall(_Obj):
    def __init__(self, id, name, arguments):
        self.function, self.id, self.type = Function(name, arguments), id, "function"


class Message(_Obj):
    def __init__(self, content, tool_calls=None):
        self.content, self.role, self.tool_calls, self.function_call = content, "assistant", tool_calls, None


class Choices(_Obj):
    def __init__(self, message, finish_reason):
        self.finish_reason, self.index, self.message = finish_reason, 0, message


class Usage(_Obj):
    def __init__(self, prompt_tokens, completion_tokens):
        self.completion_tokens, self.prompt_tokens = completion_tokens, prompt_tokens
        self.total_tokens = prompt_tokens + completion_tokens


class ModelResponse(_Obj):
    def __init__(self, model, message, finish_reason, usage, cost, index):
        self.id = f"cbtest-{index}"
        self.created = 0
        self.model = model
        self.object = "chat.completion"
        self.system_fingerprint = None
        self.choices = [Choices(message, finish_reason)]
        self.usage = usage
        self._hidden_params = {"response_cost": cost}


# --- completion() ------------------------------------------------------------------------
def _log(record):
    path = os.environ.get("CBTEST_MODEL_LOG")
    if path:
        with _lock, open(path, "a") as f:
            f.write(json.dumps(record) + "\n")


def completion(model=None, messages=None, tools=None, **kwargs):
    messages = list(messages or [])
    source = _script_source(messages)
    turns, options = parse(source) if source else ([Turn("submit", DEFAULT_COST, command=SUBMIT_COMMAND)], {"nocontent": False})

    tool_names = {t.get("function", {}).get("name") for t in tools or [] if isinstance(t, dict)}
    send_tool = "send_message" in tool_names
    messaging = send_tool or _prompt_offers_messaging(messages)
    if not messaging:  # a SEND line is no turn at all for an agent without messaging
        kept, carried_raises, carried_sleep = [], [], 0.0
        for turn in turns:
            if turn.kind == "send":  # its RAISE/SLEEP lines apply to the next turn
                carried_raises, carried_sleep = carried_raises + turn.raises, carried_sleep or turn.sleep
                continue
            turn.raises, turn.sleep = carried_raises + turn.raises, carried_sleep or turn.sleep
            carried_raises, carried_sleep = [], 0.0
            kept.append(turn)
        turns = kept

    index = _next_index(messages)
    turn = turns[min(index, len(turns) - 1)]
    script_key = hashlib.sha1(source.encode()).hexdigest()[:12]
    record = {"pid": os.getpid(), "script": script_key, "turn": index, "kind": turn.kind, "model": model}

    for i, (name, count, text) in enumerate(turn.raises):
        key = (script_key, index, i)
        with _lock:
            seen = _raise_counts.get(key, 0)
            if count is None or seen < count:
                _raise_counts[key] = seen + 1
                fire = True
            else:
                fire = False
        if fire:
            _log({**record, "raised": name})
            raise exceptions.RAISABLE[name](message=text, llm_provider="cohere_chat", model=model or "")

    if turn.sleep:
        time.sleep(turn.sleep)

    marker = f"cbtest-step-{index}"
    if turn.kind == "send":
        summary = f"message {turn.recipient}"
        if send_tool:
            name, args = "send_message", {"recipient": turn.recipient, "content": turn.text}
            command = None
        else:
            command = f'send_message {turn.recipient} "{turn.text}"'
            name, args = "bash", {"command": command}
    else:
        summary = {"bash": "run a command", "loop": "keep looking", "submit": "submit"}[turn.kind]
        command = turn.command
        name, args = "bash", {"command": command}
    thought = f"THOUGHT: {marker}: {summary}."

    if tools:
        content = None if options["nocontent"] else thought
        call = ChatCompletionMessageToolCall(f"call_{marker}", name, json.dumps(args))
        message, finish = Message(content, [call]), "tool_calls"
    else:
        message, finish = Message(f"{thought}\n\n```bash\n{command}\n```"), "stop"

    prompt_chars = sum(len(_text(m.get("content"))) for m in messages)
    usage = Usage(prompt_chars // 4, 20)
    _log({**record, "raised": None, "command": command, "tool": name if tools else None, "cost": turn.cost})
    return ModelResponse(model, message, finish, usage, turn.cost, index)
