// A GET form: the search lands in the URL, so a filtered view can be shared and reloaded.
import { Button, Input } from "./controls";

export function SearchBox({
  name = "q",
  value,
  placeholder,
  label,
  maxLength,
}: {
  name?: string;
  value?: string;
  placeholder: string;
  label: string;
  /** The procedure's limit for the search text; the page cuts a longer URL value to it too. */
  maxLength: number;
}) {
  return (
    <form role="search" className="flex gap-2">
      <label className="sr-only" htmlFor={`search-${name}`}>
        {label}
      </label>
      <Input
        id={`search-${name}`}
        name={name}
        defaultValue={value}
        placeholder={placeholder}
        className="w-64"
        maxLength={maxLength}
      />
      <Button type="submit" variant="secondary">
        Search
      </Button>
    </form>
  );
}
