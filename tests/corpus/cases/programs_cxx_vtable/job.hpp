// A polymorphic class whose overrides live in their own TU: nothing names
// them, the program needs that TU only for the vtable a constructor uses.
struct Job {
  virtual ~Job() = default;
  virtual void run() = 0;
};
struct DiskJob : Job {
  DiskJob() = default;
  void run() override; // the key function: defined in disk_job.cpp
};
struct ToolJob : Job {
  void run() override;
};
