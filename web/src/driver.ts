import type { TruckStatus } from "./contracts";
import { hubConnection } from "./hub";
import { fill, languages, pickLanguage, texts, type Language } from "./i18n";
import { timeSpanMinutes } from "./time-span";

interface DriverStatus {
  plate: string;
  tripId: string;
  status: TruckStatus;
  queuePosition: number | null;
  expectedWait: string | null;
  laneId: string | null;
  inspectionBayId: string | null;
  nextStepCode: string;
  nextStep: string;
  waitingReason: string | null;
  window: { start: string; end: string } | null;
}

let language: Language = pickLanguage(location.search, navigator.languages);
let current: DriverStatus | null = null;
let connection: "live" | "reconnecting" | "offline" = "offline";
let timeZone = "Asia/Ho_Chi_Minh";

const byId = (id: string): HTMLElement => document.getElementById(id)!;

function minutes(timeSpan: string | null): string {
  const total = timeSpanMinutes(timeSpan);
  return total === null ? "–" : fill(texts[language].minutes, { n: String(total) });
}

function clock(at: string | undefined): string {
  return at ? new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(at)) : "";
}

function render(): void {
  const t = texts[language];
  document.documentElement.lang = language;
  document.title = t.title;
  for (const node of document.querySelectorAll<HTMLElement>("[data-text]")) {
    node.textContent = t[node.dataset.text as keyof typeof t] as string;
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>("#languages button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language));
  }
  byId("connection").dataset.state = connection;
  byId("connection").textContent = connection === "live" ? t.live : connection === "reconnecting" ? t.reconnecting : t.offline;
  if (!current) {
    return;
  }
  byId("truck").hidden = false;
  byId("truck-plate").textContent = current.plate;
  const status = byId("status");
  status.textContent = t.status[current.status];
  status.dataset.status = current.status;
  const next = byId("next-step");
  next.dataset.code = current.nextStepCode;
  next.textContent = fill(t.next[current.nextStepCode] ?? current.nextStep, {
    lane: current.laneId ?? "",
    bay: current.inspectionBayId ?? "",
    start: clock(current.window?.start),
    end: clock(current.window?.end),
  });
  byId("queue-position").textContent = current.queuePosition?.toString() ?? "–";
  byId("expected-wait").textContent = minutes(current.expectedWait);
  byId("lane").textContent = current.laneId ?? "–";
  byId("why").textContent = current.waitingReason ?? "–";
}

function showError(message: string | null): void {
  const error = byId("error");
  error.hidden = message === null;
  error.textContent = message ?? "";
}

async function follow(plate: string, declaration: string): Promise<void> {
  const hub = hubConnection("/hubs/driver");
  hub.on("Status", (status: DriverStatus) => {
    current = status;
    render();
  });
  hub.onreconnecting(() => {
    connection = "reconnecting";
    render();
  });
  hub.onreconnected(async () => {
    current = await hub.invoke<DriverStatus>("FollowTruck", plate, declaration);
    connection = "live";
    render();
  });
  hub.onclose(() => {
    connection = "offline";
    render();
  });
  await hub.start();
  try {
    current = await hub.invoke<DriverStatus>("FollowTruck", plate, declaration);
  } catch {
    await hub.stop();
    current = null;
    byId("truck").hidden = true;
    showError(texts[language].notFound);
    return;
  }
  showError(null);
  connection = "live";
  render();
}

async function main(): Promise<void> {
  for (const button of document.querySelectorAll<HTMLButtonElement>("#languages button")) {
    button.addEventListener("click", () => {
      if ((languages as string[]).includes(button.dataset.lang ?? "")) {
        language = button.dataset.lang as Language;
        const url = new URL(location.href);
        url.searchParams.set("lang", language);
        history.replaceState(null, "", url);
        render();
        if (!byId("error").hidden) {
          showError(texts[language].notFound);
        }
      }
    });
  }
  render();
  try {
    const layout = (await (await fetch("/api/crossing/layout")).json()) as { timeZone?: string };
    timeZone = layout.timeZone ?? timeZone;
  } catch {
    // The site's time zone stays the default.
  }

  const form = byId("find") as HTMLFormElement;
  const params = new URLSearchParams(location.search);
  (byId("plate") as HTMLInputElement).value = params.get("plate") ?? "";
  (byId("declaration") as HTMLInputElement).value = params.get("declaration") ?? "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const plate = (byId("plate") as HTMLInputElement).value.trim();
    const declaration = (byId("declaration") as HTMLInputElement).value.trim();
    const url = new URL(location.href);
    url.searchParams.set("plate", plate);
    url.searchParams.set("declaration", declaration);
    history.replaceState(null, "", url);
    void follow(plate, declaration);
  });
  if (params.get("plate") && params.get("declaration")) {
    await follow(params.get("plate")!, params.get("declaration")!);
  }
}

void main();
