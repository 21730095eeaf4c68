import Link from "next/link";
import { EmptyState } from "@/components/ui/states";

export default function PanelNotFound() {
  return (
    <EmptyState title="Not found">
      It may have been deleted, or the link is wrong.{" "}
      <Link href="/" className="text-sky-800 underline">
        Back to the dashboard
      </Link>
    </EmptyState>
  );
}
