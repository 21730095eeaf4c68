// The server field of a list's filter form: a select for a small fleet, the server's name for a
// large one (lib/server-filter.ts reads either back).
import { SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { SERVER_SELECT_LIMIT, type ServerFilter, type ServerOption } from "@/lib/server-filter";

export function ServerFilterField({ servers, filter }: { servers: ServerOption[]; filter: ServerFilter }) {
  return servers.length <= SERVER_SELECT_LIMIT ? (
    <SelectFilter
      label="Server"
      name="serverId"
      value={filter.serverId}
      options={servers.map((s) => ({ value: s.id, label: s.name }))}
      className="w-44"
    />
  ) : (
    <TextFilter
      label="Server"
      name="server"
      value={filter.name}
      placeholder={`name, e.g. ${servers[0]?.name ?? "web-01"}`}
      className="w-44"
      autoComplete="off"
      spellCheck={false}
    />
  );
}
