"use client";
// Admins edit a group's update settings and its catalog entry's defaults. Empty fields are
// "not set at this level": the next level down (catalog, then the global default) applies.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { SettingsForm } from "@/components/inventory/settings-form";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Field, Input, Select } from "@/components/ui/controls";
import { BATCH_SIZE_MAX, BATCH_SIZE_MIN, strategies, strategyLabel } from "@/lib/batching";
import type { BatchGroupingStrategy } from "@/server/generated/prisma/enums";

type Group = {
  id: number;
  name: string;
  description: string | null;
  updatePlaybookPath: string | null;
  artifactListUrl: string | null;
  artifactExtension: string | null;
  batchGroupingStrategy: BatchGroupingStrategy;
  batchSize: number | null;
  eurekaAppName: string | null;
};

export function GroupSettingsForm({ group }: { group: Group }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.groups.updateSettings.mutationOptions({ onSuccess: () => router.refresh() }));
  const errors = formErrors(save.error);
  return (
    <SettingsForm
      title="Group settings"
      label="Edit group settings"
      testId="group-settings-form"
      errors={errors}
      pending={save.isPending}
      saved={save.isSuccess}
      fields={[
        { name: "description", label: "Description", value: group.description },
        {
          name: "updatePlaybookPath",
          label: "Update playbook path",
          value: group.updatePlaybookPath,
          placeholder: "inherit from the catalog",
        },
        {
          name: "artifactListUrl",
          label: "Artifact list URL",
          value: group.artifactListUrl,
          placeholder: "inherit from the catalog",
        },
        {
          name: "artifactExtension",
          label: "Artifact extension",
          value: group.artifactExtension,
          placeholder: "inherit, e.g. jar",
        },
        {
          name: "eurekaAppName",
          label: "Eureka app name",
          value: group.eurekaAppName,
          placeholder: group.name.toUpperCase(),
          hint: "The name its instances register under in Eureka (Spring: spring.application.name). Empty: the group's name, upper-cased.",
        },
      ]}
      onSubmit={(values, data) => {
        const size = String(data.get("batchSize") ?? "").trim();
        save.mutate({
          id: group.id,
          ...values,
          batchGroupingStrategy: String(data.get("batchGroupingStrategy")) as BatchGroupingStrategy,
          batchSize: size === "" ? null : Number(size),
        });
      }}
    >
      {/* Stacked: the form sits in a narrow side card, where a select beside the size was cut short. */}
      <Field label="Batches in updates" error={errors?.fields.batchGroupingStrategy}>
        <Select name="batchGroupingStrategy" defaultValue={group.batchGroupingStrategy}>
          {strategies.map((s) => (
            <option key={s} value={s}>
              {strategyLabel[s]}
            </option>
          ))}
        </Select>
      </Field>
      <div className="w-32">
        <Field label="Batch size" error={errors?.fields.batchSize}>
          <Input
            name="batchSize"
            type="number"
            inputMode="numeric"
            min={BATCH_SIZE_MIN}
            max={BATCH_SIZE_MAX}
            defaultValue={group.batchSize ?? ""}
            aria-invalid={!!errors?.fields.batchSize}
          />
        </Field>
      </div>
    </SettingsForm>
  );
}

type Catalog = {
  id: number;
  name: string;
  description: string | null;
  defaultPlaybookPath: string | null;
  defaultArtifactUrl: string | null;
  defaultArtifactExt: string | null;
};

export function CatalogSettingsForm({ catalog }: { catalog: Catalog }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.catalog.updateSettings.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <SettingsForm
      title={`Catalog defaults: ${catalog.name}`}
      label="Edit catalog settings"
      testId="catalog-settings-form"
      errors={formErrors(save.error)}
      pending={save.isPending}
      saved={save.isSuccess}
      fields={[
        { name: "description", label: "Description", value: catalog.description },
        {
          name: "defaultPlaybookPath",
          label: "Default playbook path",
          value: catalog.defaultPlaybookPath,
          placeholder: "global default",
          hint: "Applies to every group of this catalog entry that sets none.",
        },
        { name: "defaultArtifactUrl", label: "Default artifact URL", value: catalog.defaultArtifactUrl },
        {
          name: "defaultArtifactExt",
          label: "Default artifact extension",
          value: catalog.defaultArtifactExt,
          placeholder: "e.g. jar",
        },
      ]}
      onSubmit={(values) => save.mutate({ id: catalog.id, ...values })}
    />
  );
}
