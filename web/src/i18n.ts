// The drivers' page in the languages spoken at the crossing: Vietnamese, Chinese, English.
import type { TruckStatus } from "./contracts";

export type Language = "vi" | "zh" | "en";
export const languages: Language[] = ["vi", "zh", "en"];

type Texts = {
  title: string;
  plate: string;
  declaration: string;
  follow: string;
  queuePosition: string;
  expectedWait: string;
  lane: string;
  why: string;
  minutes: string;
  notFound: string;
  tooManyTries: string;
  otherTruck: string;
  live: string;
  reconnecting: string;
  offline: string;
  status: Record<TruckStatus, string>;
  next: Record<string, string>;
};

export const texts: Record<Language, Texts> = {
  vi: {
    title: "Xe của tôi đang ở đâu?",
    plate: "Biển số xe",
    declaration: "Số tờ khai hải quan",
    follow: "Theo dõi",
    queuePosition: "Vị trí trong hàng chờ",
    expectedWait: "Thời gian chờ dự kiến",
    lane: "Làn",
    why: "Lý do",
    minutes: "{n} phút",
    notFound: "Không tìm thấy chuyến nào khớp với biển số và số tờ khai này. Hãy kiểm tra lại cả hai.",
    tooManyTries: "Đã thử sai quá nhiều lần. Hãy thử lại sau {n} giây.",
    otherTruck: "Theo dõi xe khác",
    live: "Đang cập nhật trực tiếp",
    reconnecting: "Mất kết nối, đang kết nối lại…",
    offline: "Không có kết nối",
    status: {
      None: "Chưa có chuyến",
      Booked: "Đã đặt lịch",
      Waiting: "Đang chờ",
      Called: "Được gọi vào làn",
      InLane: "Đang kiểm tra trong làn",
      Inspection: "Kiểm tra thực tế",
      Transfer: "Sang bãi chuyển tải",
      Completed: "Hoàn thành",
      Held: "Bị tạm giữ",
      NoShow: "Quá giờ hẹn",
    },
    next: {
      "come-in-window": "Đến cổng vào trong khoảng {start}–{end}.",
      "wait-in-area": "Chờ tại bãi chờ; bạn sẽ được gọi vào làn.",
      "go-to-lane": "Lái xe vào {lane} ngay.",
      "follow-lane": "Dừng trên cân và làm theo tín hiệu của làn.",
      "go-to-inspection": "Lái xe đến khu kiểm tra {bay}.",
      "go-to-yard": "Lái xe đến bãi chuyển tải; cần cẩu sẽ nhấc container.",
      done: "Chuyến đi đã hoàn tất. Bạn có thể rời đi.",
      "see-office": "Xe của bạn bị tạm giữ. Hãy đến văn phòng cổng.",
      rebook: "Khung giờ đến đã hết hạn. Hãy đặt lịch mới.",
      none: "Chưa có chuyến.",
    },
  },
  zh: {
    title: "我的车辆在哪里？",
    plate: "车牌号",
    declaration: "报关单号",
    follow: "查询",
    queuePosition: "排队位置",
    expectedWait: "预计等待",
    lane: "通道",
    why: "原因",
    minutes: "{n} 分钟",
    notFound: "未找到与该车牌号和报关单号匹配的行程，请核对两者。",
    tooManyTries: "错误次数过多，请在 {n} 秒后重试。",
    otherTruck: "查询其他车辆",
    live: "实时更新中",
    reconnecting: "连接中断，正在重新连接…",
    offline: "未连接",
    status: {
      None: "无行程",
      Booked: "已预约",
      Waiting: "等候中",
      Called: "已叫号",
      InLane: "通道检查中",
      Inspection: "查验中",
      Transfer: "前往转运场",
      Completed: "已完成",
      Held: "已扣留",
      NoShow: "未按时到达",
    },
    next: {
      "come-in-window": "请在 {start}–{end} 之间到达入口。",
      "wait-in-area": "请在等候区等候，叫号后进入通道。",
      "go-to-lane": "请立即驶入 {lane}。",
      "follow-lane": "请停在地磅上，听从通道指示。",
      "go-to-inspection": "请驶往查验区 {bay}。",
      "go-to-yard": "请驶往转运场，吊机将吊运集装箱。",
      done: "行程已完成，您可以离开。",
      "see-office": "您的车辆已被扣留，请前往口岸办公室。",
      rebook: "到达时段已过期，请重新预约。",
      none: "无行程。",
    },
  },
  en: {
    title: "Where is my truck?",
    plate: "Truck plate",
    declaration: "Customs declaration number",
    follow: "Follow",
    queuePosition: "Place in the queue",
    expectedWait: "Expected wait",
    lane: "Lane",
    why: "Why",
    minutes: "{n} min",
    notFound: "No trip matches this plate and declaration number. Check both as printed on the declaration.",
    tooManyTries: "Too many wrong tries. Try again in {n} seconds.",
    otherTruck: "Follow another truck",
    live: "Live",
    reconnecting: "Connection lost, reconnecting…",
    offline: "Offline",
    status: {
      None: "No trip",
      Booked: "Booked",
      Waiting: "Waiting",
      Called: "Called to a lane",
      InLane: "In the lane",
      Inspection: "Inspection",
      Transfer: "To the transfer yard",
      Completed: "Completed",
      Held: "Held",
      NoShow: "Missed its window",
    },
    next: {
      "come-in-window": "Come to the entrance between {start} and {end}.",
      "wait-in-area": "Wait in the waiting area; you will be called to a lane.",
      "go-to-lane": "Drive to {lane} now.",
      "follow-lane": "Stay on the weighbridge and follow the lane's signals.",
      "go-to-inspection": "Drive to inspection bay {bay}.",
      "go-to-yard": "Drive to the transfer yard; a crane will take the container.",
      done: "Your trip is complete. You may leave.",
      "see-office": "Your truck is held. Go to the gate office.",
      rebook: "Your arrival window lapsed. Book a new one.",
      none: "No trip.",
    },
  },
};

/** The language asked for (?lang=), else the phone's, else Vietnamese. */
export function pickLanguage(search: string, preferred: readonly string[]): Language {
  const asked = new URLSearchParams(search).get("lang");
  for (const candidate of [asked, ...preferred]) {
    const code = candidate?.slice(0, 2).toLowerCase();
    if (code && (languages as string[]).includes(code)) {
      return code as Language;
    }
  }
  return "vi";
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
