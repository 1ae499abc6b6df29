"""Wire types of the traffic signals: controllers, live state, events in, measures, timing plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from backend_client.schemas.common import WireModel
from backend_client.schemas.stats import GroupCount

# Indiana/Purdue high-resolution event codes the system reads (Sturdevant et al., 2012).
PHASE_BEGIN_GREEN = 1
PHASE_GAP_OUT = 4
PHASE_MAX_OUT = 5
PHASE_FORCE_OFF = 6
PHASE_GREEN_TERMINATION = 7
PHASE_BEGIN_YELLOW = 8
PHASE_END_YELLOW = 9
PHASE_BEGIN_RED_CLEARANCE = 10
PHASE_END_RED_CLEARANCE = 11
PED_BEGIN_WALK = 21
PED_BEGIN_CLEARANCE = 22
PED_BEGIN_DONT_WALK = 23
PED_CALL = 45
DETECTOR_OFF = 81
DETECTOR_ON = 82
PREEMPT_CALL_ON = 102
PREEMPT_ENTRY = 105
PREEMPT_EXIT = 111
COORD_PATTERN_CHANGE = 131
COORD_CYCLE_LENGTH = 132
COORD_OFFSET = 133
FLASH_STATUS = 173  # parameter: NTCIP unitFlashStatus; 2 = not flashing
MANUAL_CONTROL = 178  # parameter: 1 manual control on, 0 off
POWER_FAILURE = 182
POWER_RESTORED = 184
# Pattern numbers with a fixed meaning in event 131's parameter.
PATTERN_FREE = 254
PATTERN_FLASH = 255
FLASH_NOT_FLASHING = 2

KNOWN_CODES: frozenset[int] = frozenset({
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 23, 43, 44, 45, 81, 82, 102, 104, 105, 106, 107,
    111, 131, 132, 133, 150, 151, 173, 178, 182, 184})

SignalState = Literal["green", "yellow", "red", "flashing", "dark"]
Mode = Literal["coordinated", "free", "flash", "manual", "offline", "unknown"]
DetectorHealth = Literal["ok", "stuck_on", "stuck_off", "unknown"]
FAULT_KINDS = ("flash", "comm_lost", "detector_stuck_on", "detector_stuck_off", "max_outs", "split_failures")
REJECT_REASONS = ("malformed", "unknown_controller", "unknown_code", "bad_parameter", "bad_timestamp",
                  "future_timestamp")


class PhaseConfig(BaseModel):
    """One NEMA phase (signal group) of a controller: where it serves and what it needs."""

    phase: int = Field(ge=1, le=16)
    name: str = ""
    approach: str = ""                       # N, E, S, W, or a street name
    detectors: list[int] = []                 # advance detector channels: volumes, arrivals on green
    stopbar: list[int] = []                   # stop-bar presence channels: split failures
    saturation_flow: float = Field(1800.0, gt=0)   # pcu/h of green
    lost_time: float = Field(4.0, ge=0)        # s per phase (start-up + clearance not used)
    min_green: float = Field(7.0, ge=1)
    pedestrian: bool = False


class ControllerIn(BaseModel):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    address: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    camera: str = ""                          # the intersection camera's id, for the video wall
    phases: list[PhaseConfig] = Field(min_length=1)
    # Stages (rings collapsed): the phases shown green together, in order, e.g. [[2, 6], [4, 8]].
    stages: list[list[int]] = Field(min_length=1)
    min_cycle: float = Field(30.0, ge=10)
    max_cycle: float = Field(120.0, le=300)

    @model_validator(mode="after")
    def _stages_known(self) -> "ControllerIn":
        known = {p.phase for p in self.phases}
        missing = sorted({ph for st in self.stages for ph in st} - known)
        if missing:
            raise ValueError(f"stages name phases that are not configured: {missing}")
        if self.min_cycle >= self.max_cycle:
            raise ValueError("min_cycle must be below max_cycle")
        return self


class GroupState(BaseModel):
    phase: int
    state: SignalState
    since: int | None = None                  # epoch ms


class DetectorState(BaseModel):
    channel: int
    phase: int | None = None
    on: bool = False
    since: int | None = None                  # epoch ms of the last change
    health: DetectorHealth = "unknown"


class ControllerState(BaseModel):
    controller: str
    mode: Mode
    plan: int | None = None                   # pattern number the controller runs
    plan_id: int | None = None                # the system's plan applied for now, if any
    cycle_length: float | None = None
    cycle_second: float | None = None         # position in the cycle at `as_of`
    offset: float | None = None
    groups: list[GroupState] = []
    next_phases: list[int] = []               # the stage that turns green next
    detectors: list[DetectorState] = []
    last_event_ts: int | None = None
    last_heard_at: datetime | None = None
    as_of: int                                # epoch ms the state was computed for
    faults: list[str] = []                    # open fault kinds


class ControllerOut(WireModel):
    id: str
    name: str
    address: str
    lat: float
    lon: float
    camera: str
    phases: list[PhaseConfig]
    stages: list[list[int]]
    min_cycle: float
    max_cycle: float
    state: ControllerState | None = None


class EventBatch(BaseModel):
    """One controller's events over MQTT: [[ts_ms, code, param], ...]."""

    events: list[list[int]]


class IngestResult(BaseModel):
    stored: int
    duplicates: int
    rejected: dict[str, int] = {}


class IngestStats(BaseModel):
    counters: dict[str, int]
    process: dict[str, float | int | None] = {}


# --------------------------------------------------------------------------- measures

class MeasureRow(BaseModel):
    ts: int                                   # bin start, epoch ms
    phase: int
    volume: float = 0                         # detector actuations of the phase's detectors
    aog_percent: float | None = None          # arrivals on green, %
    split_failures: int = 0
    cycles: int = 0                           # cycles that ended in the bin (terminations)
    gap_outs: int = 0
    max_outs: int = 0
    force_offs: int = 0
    green_s: float | None = None              # average green (split monitor)
    ped_delay_s: float | None = None


class Measures(BaseModel):
    controller: str
    bin_minutes: int
    start: int
    end: int
    rows: list[MeasureRow]


class PcdCycle(BaseModel):
    start: int                                # cycle start (begin of red before this green), epoch ms
    green: float                              # seconds from cycle start
    yellow: float
    red: float                                # cycle end, seconds from start
    arrivals: list[float]                     # detector arrivals, seconds from cycle start


class CoordinationDiagram(BaseModel):
    controller: str
    phase: int
    start: int
    end: int
    cycles: list[PcdCycle]
    aog_percent: float | None = None


# --------------------------------------------------------------------------- plans

class PlanIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    period_start: str = Field("00:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    period_end: str = Field("24:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
    days: Literal["all", "weekday", "weekend"] = "all"
    pattern: int = Field(1, ge=1, le=253)
    cycle: float = Field(gt=0, le=300)
    offset: float = Field(0.0, ge=0)
    splits: dict[int, float]                  # stage index (0-based) → green seconds
    sequence: list[int] = []                  # stage order; empty = configured order

    @field_validator("splits")
    @classmethod
    def _positive(cls, v: dict[int, float]) -> dict[int, float]:
        if not v or any(g <= 0 for g in v.values()):
            raise ValueError("every split must be a positive number of seconds")
        return v

    @model_validator(mode="after")
    def _period(self) -> "PlanIn":
        if self.period_start >= self.period_end:
            raise ValueError("period_start must be before period_end")
        if self.offset >= self.cycle:
            raise ValueError("offset must be shorter than the cycle")
        return self


class PlanOut(WireModel):
    id: int
    controller: str
    name: str
    period_start: str
    period_end: str
    days: str
    pattern: int
    cycle: float
    offset: float
    splits: dict[int, float]
    sequence: list[int]
    source: str                               # manual | webster
    created_by: str
    created_at: datetime
    applied: bool = False


class Application(WireModel):
    id: int
    controller: str
    plan_id: int
    previous_plan_id: int | None
    applied_by: str
    applied_at: datetime
    rolled_back_at: datetime | None = None
    rolled_back_by: str | None = None


class StageFlow(BaseModel):
    stage: int
    phases: list[int]
    critical_phase: int
    flow: float                               # pcu/h of the critical phase
    saturation_flow: float
    flow_ratio: float                         # y = q / s
    green: float                              # effective green, s
    capacity: float                           # pcu/h
    degree_of_saturation: float               # x = q / c
    delay_s: float | None = None              # Webster's mean delay per vehicle


class RecommendIn(BaseModel):
    """Flows to plan for: given (pcu/h per phase), or measured over a time-of-day window of past days."""

    flows: dict[int, float] | None = None
    period_start: str = Field("16:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    period_end: str = Field("19:00", pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")
    days: Literal["all", "weekday", "weekend"] = "weekday"
    lookback_days: int = Field(7, ge=1, le=90)
    until: int | None = None                  # epoch ms the lookback ends; default now
    save: bool = False                        # store the result as a plan (source "webster")
    name: str | None = None

    @field_validator("flows")
    @classmethod
    def _flows(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        if v is not None and any(q < 0 for q in v.values()):
            raise ValueError("flows must not be negative")
        return v


class Recommendation(BaseModel):
    controller: str
    cycle: float                              # the recommended cycle, s (clamped to the controller's range)
    optimum_cycle: float | None               # Webster's C0 before clamping; None when over capacity
    total_flow_ratio: float                   # Y
    lost_time: float                          # L, s per cycle
    over_capacity: bool                       # Y ≥ 0.95: no cycle serves this demand
    stages: list[StageFlow]
    splits: dict[int, float]
    mean_delay_s: float | None                # flow-weighted Webster delay
    current_plan: PlanOut | None = None
    current_delay_s: float | None = None      # the same flows under the current plan
    period_start: str
    period_end: str
    days: str
    flows_from: str                           # given | measured
    plan: PlanOut | None = None               # the stored plan when save=true


class FaultOut(BaseModel):
    id: int
    controller: str
    kind: str                                 # one of FAULT_KINDS
    key: str                                  # detector channel or phase, "" for the controller
    detail: str = Field(description="What the rule saw, in English (see `code` and `params`)")
    code: str = Field("", description="Stable code of `detail` (e.g. `signals.detector_stuck_off`); "
                                      "empty when unknown: show `detail`")
    params: dict[str, Any] = Field({}, description="The values `detail` is made of, by name (e.g. `channel`)")
    opened_at: datetime
    closed_at: datetime | None = None
    incident_id: int | None = None


class Command(BaseModel):
    """A command to a controller (supervisor): go to flash, or back to its time-of-day plans."""

    command: Literal["flash", "resume"]
    reason: str = Field("", max_length=300)


class IntersectionInFault(BaseModel):
    uid: str
    name: str
    faults: int
    kinds: str  # the open faults' kinds, comma-separated and sorted
    since: datetime
    age_minutes: int


class SignalFaultRow(BaseModel):
    opened_at: datetime
    closed_at: datetime | None
    uid: str
    name: str
    kind: str
    detail: str


class SignalsStats(BaseModel):
    """GET /api/v1/stats/signals: the intersections with an open fault now, by the fault's kind (flash, lost
    communication, a stuck detector, ...)."""

    intersections: int
    in_fault: int
    in_fault_by_kind: list[GroupCount]
    in_fault_list: list[IntersectionInFault]
    by_mode: list[GroupCount] = []  # every intersection by its mode now (coordinated, free, flash, offline, ...)


class SignalsPeriodStats(BaseModel):
    start: datetime
    end: datetime
    opened: int
    closed: int
    opened_by_kind: list[GroupCount]
    faults: list[SignalFaultRow]
