-- CreateTable
CREATE TABLE "metric_histograms" (
    "name" TEXT NOT NULL,
    "series" TEXT NOT NULL,
    "bounds" DOUBLE PRECISION[],
    "counts" BIGINT[],
    "sum" DOUBLE PRECISION NOT NULL,
    "count" BIGINT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "metric_histograms_pkey" PRIMARY KEY ("name","series")
);

-- CreateTable
CREATE TABLE "metric_snapshots" (
    "name" TEXT NOT NULL,
    "rows" JSONB NOT NULL,
    "taken_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "metric_snapshots_pkey" PRIMARY KEY ("name")
);
