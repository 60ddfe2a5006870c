import type { SiteLayout } from "./contracts";
import type { CrossingState } from "./crossing-state";

const svgNs = "http://www.w3.org/2000/svg";

/** Lane boxes in site metres (the layout gives each lane's position, 20 m apart). */
const laneSize = { width: 60, height: 14 };
const baySize = { width: 30, height: 16 };
const slotSize = 6;

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

  constructor(svg: SVGSVGElement, layout: SiteLayout) {
    const xs = [layout.entrance.position.x, ...layout.lanes.map((l) => l.position.x), ...layout.yardBlocks.map((b) => b.position.x + (b.bays * slotSize) / 2)];
    const ys = [layout.entrance.position.y, ...layout.lanes.map((l) => l.position.y), ...layout.inspectionBays.map((b) => b.position.y), ...layout.yardBlocks.map((b) => b.position.y + b.rows * slotSize)];
    svg.setAttribute("viewBox", `${Math.min(...xs) - 10} ${Math.min(...ys) - 30} ${Math.max(...xs) - Math.min(...xs) + 80} ${Math.max(...ys) - Math.min(...ys) + 70}`);

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

    for (const block of layout.yardBlocks) {
      const group = element("g", { class: "yard-block", "data-block": block.id }, svg);
      element("rect", { x: block.position.x - (block.bays * slotSize) / 2, y: block.position.y, width: block.bays * slotSize, height: block.rows * slotSize }, group);
      element("text", { x: block.position.x - (block.bays * slotSize) / 2, y: block.position.y - 2, class: "label" }, group).textContent = `yard ${block.id}`;
    }
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

  render(state: CrossingState): void {
    this.queueText.textContent = `${state.queueLength} waiting`;
    for (const [laneId, lane] of state.lanes) {
      const box = this.laneBoxes.get(laneId);
      const plate = this.lanePlates.get(laneId);
      if (!box || !plate) {
        continue;
      }
      box.dataset.plate = lane.plate ?? "";
      box.dataset.mode = lane.mode;
      box.dataset.step = lane.step;
      plate.textContent = lane.plate ?? "";
    }
    for (const [bayId, plate] of state.bays) {
      const text = this.bayPlates.get(bayId);
      if (text) {
        text.textContent = plate ?? "";
      }
    }
  }
}
