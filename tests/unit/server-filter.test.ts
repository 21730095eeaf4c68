import { describe, expect, it } from "vitest";
import { readServerFilter } from "@/lib/server-filter";

const servers = [
  { id: 1, name: "srv-0001" },
  { id: 2, name: "Web-02" },
];

describe("the server filter of a list", () => {
  it("takes serverId from a link, with the server's name for the text field", () => {
    expect(readServerFilter({ serverId: "2" }, servers)).toEqual({ serverId: 2, name: "Web-02", unknown: false });
  });

  it("finds the server whose name was typed, in any case, and ignores spaces around it", () => {
    expect(readServerFilter({ server: "  web-02 " }, servers)).toEqual({ serverId: 2, name: "Web-02", unknown: false });
  });

  it("prefers serverId when a link has both", () => {
    expect(readServerFilter({ serverId: "1", server: "web-02" }, servers).serverId).toBe(1);
  });

  it("marks a typed name no server has as unknown, so the list shows nothing rather than everything", () => {
    expect(readServerFilter({ server: "srv-9999" }, servers)).toEqual({ name: "srv-9999", unknown: true });
  });

  it("is no filter when neither is given or serverId is garbage", () => {
    expect(readServerFilter({}, servers)).toEqual({ unknown: false });
    expect(readServerFilter({ serverId: "x", server: "" }, servers)).toEqual({ unknown: false });
  });
});
