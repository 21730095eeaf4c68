// No detail page below this segment, so a loading.tsx may cover it (components/ui/page-loading.tsx).
export { PageLoading as default } from "@/components/ui/page-loading";
