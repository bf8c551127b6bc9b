"""Sigma correlation rules over a stream of base-rule matches, with bounded state.

State is per (correlation, group-by values), kept in an LRU of at most `max_groups` groups;
each group holds at most as many entries as its threshold, and entries older than the
timespan are dropped as events arrive. A correlation fires when its threshold is reached within
the timespan and then starts counting afresh for that group.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from typing import Any

from cloudwarden.core.events import Event
from cloudwarden.detect.sigma._load import CompiledCorrelation
from cloudwarden.detect.sigma._values import Context

__all__ = ["CorrelationState"]


class CorrelationState:
    def __init__(self, correlation: CompiledCorrelation, max_groups: int = 100_000) -> None:
        self.correlation = correlation
        self.max_groups = max_groups
        c = correlation
        self.need = math.floor(c.count) + 1 if c.op == "gt" else math.ceil(c.count)
        if c.type == "temporal" or c.type == "temporal_ordered":
            self.need = max(self.need, 1)
        self.groups: OrderedDict[tuple[str, ...], Any] = OrderedDict()
        self.order = {rid: i for i, rid in enumerate(c.rules)}

    def _group(self, rule_id: str, ctx: Context) -> tuple[str, ...]:
        return tuple(
            "" if (v := g(ctx)) is None else str(v) for g in self.correlation.group_getters[rule_id]
        )

    def update(
        self, rule_id: str, ctx: Context
    ) -> tuple[tuple[tuple[str, str], ...], tuple[Event, ...]] | None:
        """Record one match of a referenced rule; the group and evidence when the rule fires."""
        c = self.correlation
        event = ctx.event
        now = event.time.timestamp()
        key = self._group(rule_id, ctx)
        state = self.groups.get(key)
        fired: tuple[Event, ...] | None = None
        if c.type == "event_count":
            if state is None:
                state = deque(maxlen=max(self.need, 1))
            state.append((now, event))
            while state and state[0][0] < now - c.timespan:
                state.popleft()
            if len(state) >= self.need:
                fired = tuple(e for _, e in state)
        elif c.type == "value_count":
            value = c.value_getters[rule_id](ctx)
            if value is None:
                return None
            if state is None:
                state = {}
            state.pop(str(value), None)
            state[str(value)] = (now, event)
            for v in [v for v, (t, _) in state.items() if t < now - c.timespan]:
                del state[v]
            if len(state) >= self.need:
                fired = tuple(e for _, e in state.values())
        elif c.type == "temporal":
            if state is None:
                state = {}
            state[rule_id] = (now, event)
            for r in [r for r, (t, _) in state.items() if t < now - c.timespan]:
                del state[r]
            if len(state) >= min(self.need, len(c.rules)):
                fired = tuple(e for _, e in sorted(state.values(), key=lambda te: te[0]))
        else:  # temporal_ordered: chain[i] = (start time, evidence) of rules 0..i seen in order
            if state is None:
                state = {}
            i = self.order[rule_id]
            if i == 0:
                state[0] = (now, (event,))
            elif (prev := state.get(i - 1)) is not None and now - prev[0] <= c.timespan:
                state[i] = (prev[0], (*prev[1], event))
            if (done := state.get(len(c.rules) - 1)) is not None:
                fired = done[1]
        if fired is not None:
            self.groups.pop(key, None)
            return tuple(zip(c.group_by, key, strict=True)), fired
        self.groups[key] = state
        self.groups.move_to_end(key)
        if len(self.groups) > self.max_groups:
            self.groups.popitem(last=False)
        return None
