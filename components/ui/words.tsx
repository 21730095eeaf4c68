// A name in a table cell that wraps at its spaces only: in a narrow column, names such as
// "lb-sim/be_app02/app02-01" broke at every hyphen (one hyphen-part per line).
import { Fragment } from "react";

export function Words({ children }: { children: string }) {
  return children.split(" ").map((word, i) => (
    <Fragment key={i}>
      {i > 0 ? " " : null}
      <span className="whitespace-nowrap">{word}</span>
    </Fragment>
  ));
}
