// The server field of a list's filter form: a select for a small fleet, the server's name for a
// large one (lib/server-filter.ts reads either back).
import { Input, Select } from "@/components/ui/controls";
import { SERVER_SELECT_LIMIT, type ServerFilter, type ServerOption } from "@/lib/server-filter";

export function ServerFilterField({ servers, filter }: { servers: ServerOption[]; filter: ServerFilter }) {
  return (
    <label className="text-sm">
      <span className="mb-1 block font-medium text-slate-700">Server</span>
      {servers.length <= SERVER_SELECT_LIMIT ? (
        <Select name="serverId" defaultValue={filter.serverId ?? ""} className="w-44">
          <option value="">any</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      ) : (
        <Input name="server" defaultValue={filter.name} placeholder={`name, e.g. ${servers[0]?.name ?? "web-01"}`} className="w-44" autoComplete="off" spellCheck={false} />
      )}
    </label>
  );
}
