package dev.kiln.workload;

/** Per-pod resource request and replica count; strings are Kubernetes quantities as the client wrote them. */
public record ResourceSpec(
        Integer replica, String cpu, String gpu, String memory, String ephemeralStorage, String sharedMemory) {

    public long cpuMillis() {
        return Quantities.cpuMillis(cpu).orElseThrow();
    }

    public long gpuCount() {
        return Quantities.count(gpu).orElseThrow();
    }

    public long memoryBytes() {
        return Quantities.bytes(memory).orElseThrow();
    }

    public long ephemeralBytes() {
        return Quantities.bytes(ephemeralStorage).orElseThrow();
    }

    public ResourceSpec withReplica(int newReplica) {
        return new ResourceSpec(newReplica, cpu, gpu, memory, ephemeralStorage, sharedMemory);
    }
}
