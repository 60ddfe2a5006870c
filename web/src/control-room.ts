import { HubConnectionState } from "@microsoft/signalr";
import type { CrossingChange, CrossingSnapshot, EquipmentView, GateKpis, SiteLayout } from "./contracts";
import { CrossingState } from "./crossing-state";
import { hubConnection } from "./hub";
import { isRefused, Session, type SignedIn } from "./auth";
import { SiteMap } from "./site-map";
import { timeSpanMinutes } from "./time-span";

const state = new CrossingState();

// `?measure`: each change's sequence and the moment (epoch ms) its frame was drawn, for the live benchmark to read.
const measuring = new URLSearchParams(location.search).has("measure");
const drawnAt: [number, number][] = [];
const waitingToDraw: number[] = [];
(window as unknown as { bordergateDrawn: [number, number][] }).bordergateDrawn = drawnAt;
// ... and the moment each arrived (before its frame), to tell the socket's and the page's shares apart.
const receivedAt: [number, number][] = [];
(window as unknown as { bordergateReceived: [number, number][] }).bordergateReceived = receivedAt;

// `?measure`: every frame's moment too (performance.now()), to tell how smooth the map stays under load.
const frames: number[] = [];
(window as unknown as { bordergateFrames: number[] }).bordergateFrames = frames;
// `?measure`: the main thread's long tasks (over 50 ms): [start, duration].
const longTasks: [number, number][] = [];
(window as unknown as { bordergateLongTasks: [number, number][] }).bordergateLongTasks = longTasks;
if (measuring) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks.push([entry.startTime, entry.duration]);
    }
  }).observe({ type: "longtask", buffered: true });
  const tick = (now: number): void => {
    frames.push(now);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
const connectionLabel = document.getElementById("connection")!;
const sequenceLabel = document.getElementById("sequence")!;
const changesList = document.getElementById("changes")!;
const kpiPanel = document.getElementById("kpis")!;

function setConnection(status: "connecting" | "live" | "reconnecting" | "offline"): void {
  connectionLabel.dataset.state = status;
  connectionLabel.textContent = status;
}

function duration(value: string | undefined): string {
  const minutes = timeSpanMinutes(value);
  return minutes === null ? "–" : `${minutes} min`;
}

function renderKpis(kpis: GateKpis | null): void {
  if (!kpis) {
    return;
  }
  const rows: [string, string][] = [
    ["Completed, last hour", String(kpis.completedLastHour)],
    ["Waiting", String(kpis.trucksByStatus.Waiting ?? 0)],
    ["In lanes", String((kpis.trucksByStatus.Called ?? 0) + (kpis.trucksByStatus.InLane ?? 0))],
    ["Inspection", String(kpis.trucksByStatus.Inspection ?? 0)],
    ["Held", String(kpis.trucksByStatus.Held ?? 0)],
    ["Wait, average / p95", `${duration(kpis.averageWait)} / ${duration(kpis.p95Wait)}`],
    ["Turn, average / p95", `${duration(kpis.averageTurn)} / ${duration(kpis.p95Turn)}`],
    ["Yard", `${kpis.yardOccupied} + ${kpis.yardReserved} reserved of ${kpis.yardCapacity}`],
  ];
  kpiPanel.replaceChildren(
    ...rows.map(([name, value]) => {
      const row = document.createElement("div");
      row.className = "kpi";
      const label = document.createElement("span");
      label.textContent = name;
      const figure = document.createElement("strong");
      figure.textContent = value;
      row.append(label, figure);
      return row;
    }),
  );
}

let alarmsDrawn: unknown = null;

function renderAlarms(acknowledge: (alarmId: string) => void, returnToService: ((deviceId: string) => void) | null): void {
  if (alarmsDrawn === state.alarms) {
    return;
  }
  alarmsDrawn = state.alarms;
  document.getElementById("alarm-count")!.textContent = String(state.alarms.length);
  document.getElementById("alarms")!.replaceChildren(
    ...state.alarms.map((alarm) => {
      const item = document.createElement("li");
      item.dataset.alarm = alarm.alarmId;
      item.dataset.device = alarm.deviceId;
      const text = document.createElement("span");
      text.textContent = `${alarm.deviceId} ${alarm.code}: ${alarm.message}${alarm.count > 1 ? ` (×${alarm.count})` : ""}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "acknowledge";
      button.textContent = "Acknowledge";
      button.addEventListener("click", () => acknowledge(alarm.alarmId));
      item.append(text, button);
      if (returnToService) {
        // Supervisors return the checked equipment to service (its device rejoins dispatch).
        const clear = document.createElement("button");
        clear.type = "button";
        clear.className = "return-to-service";
        clear.textContent = "Return to service";
        clear.addEventListener("click", () => returnToService(alarm.deviceId));
        item.append(clear);
      }
      return item;
    }),
  );
}

let changesDrawn = -1;
let changesDrawnAt = 0;

/**
 * The latest changes, redrawn at most four times a second: faster is unreadable, and each redraw costs the frame a layout.
 * Answers how long to wait before the list can be brought up to date (0: it is).
 */
function renderChanges(now: number): number {
  if (changesDrawn === state.sequence) {
    return 0;
  }
  if (now - changesDrawnAt < 250) {
    return 250 - (now - changesDrawnAt);
  }
  changesDrawn = state.sequence;
  changesDrawnAt = now;
  changesList.replaceChildren(
    ...state.recent.map((change) => {
      const item = document.createElement("li");
      item.dataset.sequence = String(change.sequence);
      const event = change.event;
      item.textContent =
        event.type === "truck"
          ? `#${change.sequence} ${event.plate} ${event.event}${event.laneId ? ` → ${event.laneId}` : ""}`
          : event.type === "lane"
            ? `#${change.sequence} ${event.laneId} ${event.mode.toLowerCase()}${event.reason ? `: ${event.reason}` : ""}`
            : event.type === "alarm"
              ? `#${change.sequence} alarm ${event.alarm.deviceId} ${event.alarm.code}${event.alarm.acknowledgedBy ? ` acknowledged by ${event.alarm.acknowledgedBy}` : ""}`
              : `#${change.sequence} container ${event.containerNumber} handed over by ${event.vehicleId}`;
      return item;
    }),
  );
  return 0;
}

// The operator signs in once per browser tab; the token goes with every request and on the hub's URL.
const session = new Session(sessionStorage, "bordergate.control-room");

/** The operator signed in: the token kept, else what the sign-in form gets from the silo. */
function signedIn(): Promise<SignedIn> {
  const kept = session.current;
  if (kept) {
    return Promise.resolve(kept);
  }
  const dialog = document.getElementById("sign-in") as HTMLDialogElement;
  const form = document.getElementById("sign-in-form") as HTMLFormElement;
  const error = document.getElementById("sign-in-error")!;
  dialog.showModal();
  return new Promise((resolve) => {
    const submit = async (event: SubmitEvent): Promise<void> => {
      event.preventDefault();
      error.textContent = "";
      const result = await session.signIn("/api/auth/operator", {
        username: (document.getElementById("username") as HTMLInputElement).value.trim(),
        password: (document.getElementById("password") as HTMLInputElement).value,
      });
      if (isRefused(result)) {
        error.textContent = result.detail;
        return;
      }
      form.removeEventListener("submit", listener);
      (document.getElementById("password") as HTMLInputElement).value = "";
      dialog.close();
      resolve(result);
    };
    const listener = (event: SubmitEvent): void => void submit(event);
    form.addEventListener("submit", listener);
  });
}

function showUser(user: SignedIn): void {
  const label = document.getElementById("user")!;
  label.hidden = false;
  label.textContent = user.name;
  label.dataset.role = user.roles.includes("supervisor") ? "supervisor" : "operator";
  const signOut = document.getElementById("sign-out")!;
  signOut.hidden = false;
  signOut.onclick = () => {
    session.signOut();
    location.reload();
  };
}

async function main(): Promise<void> {
  let user = await signedIn();
  showUser(user);
  const layout = (await (await session.fetch("/api/crossing/layout")).json()) as SiteLayout;
  document.getElementById("crossing-name")!.textContent = layout.name;
  document.title = `${layout.name} — control room`;
  const map = new SiteMap(
    document.getElementById("map") as unknown as SVGSVGElement,
    document.getElementById("yard") as unknown as SVGSVGElement,
    document.getElementById("route") as unknown as SVGSVGElement,
    layout,
  );

  // The lane the operator clicked, with what can be done to it.
  let selected: string | null = null;
  const laneActions = document.getElementById("lane-actions")!;
  const laneError = document.getElementById("lane-error")!;
  const showLane = (): void => {
    laneActions.hidden = selected === null;
    map.select(selected);
    if (selected) {
      const lane = state.lanes.get(selected);
      document.getElementById("lane-title")!.textContent = selected;
      const laneState = document.getElementById("lane-state")!;
      laneState.dataset.mode = lane?.mode ?? "Open";
      laneState.textContent = `${lane?.mode ?? "Open"}${lane?.reason ? ` — ${lane.reason}` : ""}${lane?.plate ? ` · ${lane.plate}` : ""}`;
    }
  };
  const truckPlate = document.getElementById("truck-plate") as HTMLInputElement;
  const truckError = document.getElementById("truck-error")!;
  map.onLaneClicked((laneId) => {
    selected = laneId;
    laneError.textContent = "";
    // The truck in the lane is the one the truck actions take, unless the operator types another plate.
    const plate = state.lanes.get(laneId)?.plate;
    if (plate) {
      truckPlate.value = plate;
      truckError.textContent = "";
    }
    showLane();
  });

  // Changes are applied and drawn in the frame after they arrive: many changes a frame cost one redraw.
  let drawPending = false;
  let changesTimer = 0;
  const draw = (): void => {
    if (drawPending) {
      return;
    }
    drawPending = true;
    requestAnimationFrame((frameAt) => {
      drawPending = false;
      map.render(state);
      if (equipment && equipment !== equipmentDrawn) {
        // Only a new view: the changes' frames (dozens a second) do not walk the equipment again.
        map.renderEquipment(equipment);
        equipmentDrawn = equipment;
      }
      showLane();
      renderAlarms(
        (alarmId) => void act("AcknowledgeAlarm", alarmId),
        user.roles.includes("supervisor") ? (deviceId) => void act("ClearFault", deviceId) : null,
      );
      const later = renderChanges(frameAt);
      if (later > 0 && changesTimer === 0) {
        changesTimer = window.setTimeout(() => {
          changesTimer = 0;
          draw();
        }, later);
      }
      sequenceLabel.textContent = `#${state.sequence}`;
      if (measuring) {
        const now = Date.now();
        for (const sequence of waitingToDraw.splice(0)) {
          drawnAt.push([sequence, now]);
        }
      }
    });
  };

  const hub = hubConnection("/hubs/crossing", () => session.token);
  hub.on("Snapshot", (snapshot: CrossingSnapshot) => {
    state.applySnapshot(snapshot);
    renderKpis(state.kpis);
    draw();
  });
  hub.on("Changed", (changes: CrossingChange[]) => {
    const now = measuring ? Date.now() : 0;
    let applied = false;
    for (const change of changes) {
      if (state.apply(change)) {
        applied = true;
        if (measuring) {
          waitingToDraw.push(change.sequence);
          receivedAt.push([change.sequence, now]);
        }
      }
    }
    if (applied) {
      draw();
    }
  });
  // Positions are not changes of record: the latest one is drawn in the next frame, earlier ones dropped.
  let equipment: EquipmentView | null = null;
  let equipmentDrawn: EquipmentView | null = null;
  const showEquipment = (view: EquipmentView): void => {
    equipment = view.yardSlots === null && equipment?.yardSlots ? { ...view, yardSlots: equipment.yardSlots } : view;
    draw();
  };
  hub.on("Equipment", (view: EquipmentView) => {
    if (!syntheticEquipment) {
      showEquipment(view);
    }
  });
  // `?measure`: the layout, and a way to draw equipment views made up in the page (every vehicle moving ten times a
  // second, as the live benchmark's smoothness check does), in place of the silo's.
  let syntheticEquipment = false;
  if (measuring) {
    Object.assign(window, {
      bordergateLayout: layout,
      bordergateShowEquipment: (view: EquipmentView) => {
        syntheticEquipment = true;
        showEquipment(view);
      },
    });
  }
  hub.onreconnecting(() => setConnection("reconnecting"));
  hub.onreconnected(async () => {
    // Resume after the last change applied: exactly what was missed, no snapshot.
    await hub.invoke("Follow", state.sequence);
    setConnection("live");
  });
  hub.onclose(() => {
    setConnection("offline");
    if (!session.current) {
      // The token ran out (a shift is over, or it was revoked): sign in again, then resume where the map stopped.
      void (async () => {
        user = await signedIn();
        showUser(user);
        alarmsDrawn = null;
        await hub.start();
        await hub.invoke("Follow", state.sequence);
        setConnection("live");
      })();
    }
  });

  // Operator actions: what they change comes back on the feed like any other change.
  const act = async (method: string, ...args: unknown[]): Promise<void> => actOn(laneError, method, ...args);
  const actOn = async (errors: HTMLElement, method: string, ...args: unknown[]): Promise<void> => {
    errors.textContent = "";
    try {
      await hub.invoke(method, ...args);
    } catch (error) {
      errors.textContent = error instanceof Error ? error.message.replace(/^.*HubException: /, "") : String(error);
    }
  };
  const onTruck = (method: "HoldTruck" | "ReleaseTruck"): void => {
    const plate = truckPlate.value.trim();
    if (!plate) {
      truckError.textContent = "Enter the truck's plate, or click the lane it is in.";
      return;
    }
    const reason = (document.getElementById("truck-reason") as HTMLInputElement).value.trim();
    void (method === "HoldTruck" ? actOn(truckError, method, plate, reason || null) : actOn(truckError, method, plate));
  };
  document.getElementById("hold-truck")!.addEventListener("click", () => onTruck("HoldTruck"));
  document.getElementById("release-truck")!.addEventListener("click", () => onTruck("ReleaseTruck"));
  document.getElementById("dispatch")!.addEventListener("click", () => void actOn(truckError, "Dispatch"));
  document.getElementById("close-lane")!.addEventListener("click", () => {
    const reason = (document.getElementById("lane-reason") as HTMLInputElement).value;
    if (selected) {
      void act("CloseLane", selected, reason || null);
    }
  });
  document.getElementById("open-lane")!.addEventListener("click", () => {
    if (selected) {
      void act("OpenLane", selected);
    }
  });
  await hub.start();
  await hub.invoke("Follow", null);
  setConnection("live");

  // The figures are the gate's own (averages and percentiles it keeps), read every few seconds.
  setInterval(async () => {
    if (hub.state !== HubConnectionState.Connected) {
      return;
    }
    const response = await session.fetch("/api/crossing/kpis");
    if (response.ok) {
      state.applyKpis((await response.json()) as GateKpis);
      renderKpis(state.kpis);
      draw();
    }
  }, 5_000);
}

main().catch((error: unknown) => {
  setConnection("offline");
  console.error("control room failed to start", error);
});
