-- CreateTable
CREATE TABLE "history_series" (
    "id" SERIAL NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "subject_id" INTEGER NOT NULL DEFAULT 0,
    "label" VARCHAR(200) NOT NULL DEFAULT '',

    CONSTRAINT "history_series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "history_raw" (
    "series_id" INTEGER NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "value" REAL NOT NULL,

    CONSTRAINT "history_raw_pkey" PRIMARY KEY ("series_id","ts")
);

-- CreateTable
CREATE TABLE "history_5m" (
    "series_id" INTEGER NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "avg" REAL NOT NULL,
    "min" REAL NOT NULL,
    "max" REAL NOT NULL,
    "last" REAL NOT NULL,
    "samples" INTEGER NOT NULL,

    CONSTRAINT "history_5m_pkey" PRIMARY KEY ("series_id","bucket")
);

-- CreateTable
CREATE TABLE "history_1h" (
    "series_id" INTEGER NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "avg" REAL NOT NULL,
    "min" REAL NOT NULL,
    "max" REAL NOT NULL,
    "last" REAL NOT NULL,
    "samples" INTEGER NOT NULL,

    CONSTRAINT "history_1h_pkey" PRIMARY KEY ("series_id","bucket")
);

-- CreateIndex
CREATE UNIQUE INDEX "history_series_kind_subject_id_label_key" ON "history_series"("kind", "subject_id", "label");

-- CreateIndex
CREATE INDEX "history_raw_ts_idx" ON "history_raw"("ts");

-- CreateIndex
CREATE INDEX "history_5m_bucket_idx" ON "history_5m"("bucket");

-- CreateIndex
CREATE INDEX "history_1h_bucket_idx" ON "history_1h"("bucket");
