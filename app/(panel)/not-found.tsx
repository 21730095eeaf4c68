import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/states";

export default function PanelNotFound() {
  return (
    <>
      <PageHeader title="Not found" />
      <EmptyState title="There is nothing at this address">
        It may have been deleted, or the link is wrong.{" "}
        <Link href="/" className="text-sky-800 underline">
          Back to the dashboard
        </Link>
      </EmptyState>
    </>
  );
}
