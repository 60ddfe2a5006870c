import type { EquipmentView, Position, SiteLayout } from "./contracts";
import type { CrossingState } from "./crossing-state";

const svgNs = "http://www.w3.org/2000/svg";

/** Lane boxes in site metres (the layout gives each lane's position, 20 m apart). */
const laneSize = { width: 60, height: 14 };
const baySize = { width: 30, height: 16 };
/** A yard row's depth, and the distance between neighbouring bays (YardBlockLayout.BayPitchMetres). */
const rowDepth = 6;
const bayPitch = 6.5;

function setText(node: Element, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

function setData(node: SVGElement, key: string, value: string): void {
  if (node.dataset[key] !== value) {
    node.dataset[key] = value;
  }
}

function setAttribute(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

function element<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  parent.appendChild(node);
  return node;
}

/**
 * The site plan, drawn once from the layout, then brought up to date from the state: each lane's box carries
 * data-lane, data-plate and data-mode (what tests and styles read), its plate as text.
 */
export class SiteMap {
  private readonly lanePlates = new Map<string, SVGTextElement>();
  private readonly laneBoxes = new Map<string, SVGGElement>();
  private readonly bayPlates = new Map<string, SVGTextElement>();
  private readonly queueText: SVGTextElement;
  private readonly slots: SVGRectElement[] = [];
  private readonly vehicles = new Map<string, SVGGElement>();
  private readonly cranes = new Map<string, SVGGElement>();
  private readonly segments = new Map<string, SVGLineElement>();
  private readonly waypoints = new Map<string, Position>();
  private readonly craneRails = new Map<string, number>();
  private readonly cranePlates = new Map<string, SVGTextElement>();
  private slotsDrawn: string | null = null;
  /** Each segment's midpoint, where a vehicle holding it is drawn. */
  private readonly midpoints = new Map<string, Position>();

  /**
   * Draws the gate on <c>svg</c> and the yard's slots on <c>yardSvg</c> (the same plan, at the same scale, stacked under it:
   * thousands of slots that change once a second stay out of the layout and paint of the lanes that change every frame),
   * and the long route to the border on <c>routeSvg</c>.
   */
  constructor(svg: SVGSVGElement, yardSvg: SVGSVGElement, routeSvg: SVGSVGElement, layout: SiteLayout) {
    const xs = [layout.entrance.position.x, ...layout.lanes.map((l) => l.position.x + laneSize.width / 2), ...layout.yardBlocks.map((b) => b.position.x + (b.bays * bayPitch) / 2 + 30)];
    const ys = [layout.entrance.position.y, ...layout.lanes.map((l) => l.position.y), ...layout.inspectionBays.map((b) => b.position.y), ...layout.yardBlocks.map((b) => b.position.y + b.rows * rowDepth)];
    const viewBox = `${Math.min(...xs) - 10} ${Math.min(...ys) - 30} ${Math.max(...xs) - Math.min(...xs) + 20} ${Math.max(...ys) - Math.min(...ys) + 60}`;
    svg.setAttribute("viewBox", viewBox);
    yardSvg.setAttribute("viewBox", viewBox);
    const points = layout.route.waypoints.map((w) => w.position);
    const rxs = points.map((p) => p.x);
    const rys = points.map((p) => p.y);
    routeSvg.setAttribute("viewBox", `${Math.min(...rxs) - 20} ${Math.min(...rys) - 20} ${Math.max(...rxs) - Math.min(...rxs) + 40} ${Math.max(...rys) - Math.min(...rys) + 40}`);

    const waiting = element("g", { class: "waiting-area", "data-area": "waiting" }, svg);
    element("rect", { x: layout.entrance.position.x, y: layout.entrance.position.y - 20, width: 120, height: 40, rx: 3 }, waiting);
    element("text", { x: layout.entrance.position.x + 6, y: layout.entrance.position.y - 6, class: "label" }, waiting).textContent = "Waiting area";
    this.queueText = element("text", { x: layout.entrance.position.x + 6, y: layout.entrance.position.y + 12, class: "queue", id: "queue-length" }, waiting);

    for (const lane of layout.lanes) {
      const group = element("g", { class: "lane", "data-lane": lane.id, "data-kind": lane.kind, "data-plate": "", "data-mode": "Open" }, svg);
      element("rect", { x: lane.position.x - laneSize.width / 2, y: lane.position.y - laneSize.height / 2, width: laneSize.width, height: laneSize.height, rx: 2 }, group);
      element("text", { x: lane.position.x - laneSize.width / 2 + 3, y: lane.position.y + 4, class: "label" }, group).textContent = lane.id;
      const plate = element("text", { x: lane.position.x + 4, y: lane.position.y + 4, class: "plate" }, group);
      this.lanePlates.set(lane.id, plate);
      this.laneBoxes.set(lane.id, group);
    }

    for (const bay of layout.inspectionBays) {
      const group = element("g", { class: "bay", "data-bay": bay.id }, svg);
      element("rect", { x: bay.position.x - baySize.width / 2, y: bay.position.y - baySize.height / 2, width: baySize.width, height: baySize.height, rx: 2 }, group);
      element("text", { x: bay.position.x - baySize.width / 2 + 2, y: bay.position.y - 1, class: "label" }, group).textContent = bay.id;
      this.bayPlates.set(bay.id, element("text", { x: bay.position.x - baySize.width / 2 + 2, y: bay.position.y + 6, class: "plate" }, group));
    }

    // The yard's slots, block by block, row by row, bay by bay: the order of the equipment view's slot states.
    for (const block of layout.yardBlocks) {
      const group = element("g", { class: "yard-block", "data-block": block.id }, yardSvg);
      const left = block.position.x - (block.bays * bayPitch) / 2;
      element("text", { x: left, y: block.position.y - 2, class: "label" }, group).textContent = `yard ${block.id}`;
      for (let row = 1; row <= block.rows; row++) {
        for (let bay = 1; bay <= block.bays; bay++) {
          this.slots.push(element("rect", { class: "slot", "data-state": "F", x: left + (bay - 1) * bayPitch, y: block.position.y + (row - 1) * rowDepth, width: bayPitch - 0.8, height: rowDepth - 0.8 }, group));
        }
      }
    }

    // The driverless trucks' route: its segments (one way each), then the vehicles on it.
    for (const waypoint of layout.route.waypoints) {
      this.waypoints.set(waypoint.id, waypoint.position);
    }
    const route = element("g", { class: "route" }, routeSvg);
    for (const segment of layout.route.segments) {
      const from = this.waypoints.get(segment.from);
      const to = this.waypoints.get(segment.to);
      if (from && to) {
        this.segments.set(segment.id, element("line", { x1: from.x, y1: from.y, x2: to.x, y2: to.y, "data-segment": segment.id }, route));
        this.midpoints.set(segment.id, { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 });
      }
    }
    for (const crane of layout.cranes) {
      this.craneRails.set(crane.id, crane.railY);
      element("line", { class: "rail", x1: crane.railStartX, y1: crane.railY, x2: crane.railEndX, y2: crane.railY }, svg);
      const group = element("g", { class: "crane", "data-crane": crane.id, transform: `translate(${crane.railStartX} ${crane.railY})` }, svg);
      element("rect", { x: -2.5, y: -4, width: 5, height: 8 }, group);
      element("text", { x: 3.5, y: -2, class: "label" }, group).textContent = crane.id;
      this.cranePlates.set(crane.id, element("text", { x: 3.5, y: 3, class: "plate" }, group));
      this.cranes.set(crane.id, group);
    }
    for (const vehicle of layout.driverlessTrucks) {
      const group = element("g", { class: "vehicle", "data-vehicle": vehicle.id, "data-mode": "Idle" }, routeSvg);
      element("circle", { r: 3.2 }, group);
      element("text", { x: 4, y: -3, class: "label" }, group).textContent = vehicle.id;
      this.vehicles.set(vehicle.id, group);
    }
  }

  /** The equipment where it is now: vehicles at their waypoint or halfway along the segment they hold, cranes on their rail, yard slots. */
  renderEquipment(view: EquipmentView): void {
    for (const vehicle of view.vehicles) {
      const group = this.vehicles.get(vehicle.vehicleId);
      const at = this.positionOf(vehicle.waypoint, vehicle.segment);
      if (!group || !at) {
        continue;
      }
      setAttribute(group, "transform", `translate(${at.x} ${at.y})`);
      setData(group, "mode", vehicle.fault ? "Faulted" : vehicle.mode);
      setData(group, "loaded", String(vehicle.containerNumber !== null));
    }
    for (const [id, line] of this.segments) {
      const held = id in view.segmentHolders;
      if (line.classList.contains("held") !== held) {
        line.classList.toggle("held", held);
      }
    }
    for (const crane of view.cranes) {
      const group = this.cranes.get(crane.craneId);
      if (!group) {
        continue;
      }
      setAttribute(group, "transform", `translate(${crane.positionX} ${this.craneRails.get(crane.craneId) ?? 0})`);
      setData(group, "mode", crane.fault ? "Faulted" : crane.mode);
      const job = this.cranePlates.get(crane.craneId);
      if (job) {
        setText(job, crane.current?.containerNumber ?? "");
      }
    }
    if (view.yardSlots && view.yardSlots !== this.slotsDrawn) {
      // Compared with the string drawn last, not with the DOM: only the slots that changed are touched.
      const before = this.slotsDrawn;
      for (let i = 0; i < this.slots.length && i < view.yardSlots.length; i++) {
        const state = view.yardSlots[i];
        if (before === null || before[i] !== state) {
          this.slots[i].dataset.state = state;
        }
      }
      this.slotsDrawn = view.yardSlots;
    }
  }

  private positionOf(waypoint: string, segment: string | null): Position | undefined {
    return (segment ? this.midpoints.get(segment) : undefined) ?? this.waypoints.get(waypoint);
  }

  /** Calls `select` with a lane's id when the operator clicks its box. */
  onLaneClicked(select: (laneId: string) => void): void {
    for (const [laneId, box] of this.laneBoxes) {
      box.addEventListener("click", () => select(laneId));
    }
  }

  select(laneId: string | null): void {
    for (const [id, box] of this.laneBoxes) {
      box.classList.toggle("selected", id === laneId);
    }
  }

  /** Brings the drawing up to date, touching only what changed (every touch costs the page style and paint work). */
  render(state: CrossingState): void {
    setText(this.queueText, `${state.queueLength} waiting`);
    for (const [laneId, lane] of state.lanes) {
      const box = this.laneBoxes.get(laneId);
      const plate = this.lanePlates.get(laneId);
      if (!box || !plate) {
        continue;
      }
      setData(box, "plate", lane.plate ?? "");
      setData(box, "mode", lane.mode);
      setData(box, "step", lane.step);
      setText(plate, lane.plate ?? "");
    }
    for (const [bayId, plate] of state.bays) {
      const text = this.bayPlates.get(bayId);
      if (text) {
        setText(text, plate ?? "");
      }
    }
  }
}
