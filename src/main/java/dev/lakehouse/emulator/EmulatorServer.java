package dev.lakehouse.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.lakehouse.emulator.cloud.CloudIdentityProviders;

/**
 * The emulator process: one {@link Workspace} per configured workspace, each on its own port.
 * Workspaces seed their data in parallel at start.
 */
public final class EmulatorServer implements AutoCloseable {

    private final EmulatorProperties properties;
    private final Map<String, Workspace> workspaces = new LinkedHashMap<>();
    /** One Entra ID and one Google for all workspaces: a tenant's app may sign in to several of them. */
    private final CloudIdentityProviders cloudIdentities = new CloudIdentityProviders();

    public EmulatorServer(EmulatorProperties properties) {
        this.properties = properties;
    }

    /**
     * The JDK HTTP server closes idle keep-alive connections beyond 200 (sun.net.httpserver.maxIdleConnections, read
     * once when its first server is made): a client pooling more, as the gateway does with hundreds of agents waiting
     * on slow statements, would find them closed under it. The emulator keeps as many idle as it has worker threads
     * per workspace, times the workspaces, unless the JVM was started with the property set.
     */
    private void keepIdleConnectionsOpen() {
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            int workspaces = Math.max(2, properties.getWorkspaces().size());
            System.setProperty("sun.net.httpserver.maxIdleConnections",
                    String.valueOf(Math.max(200, properties.getHttpThreads() * workspaces)));
        }
    }

    public synchronized EmulatorServer start() {
        if (!workspaces.isEmpty()) {
            return this;
        }
        keepIdleConnectionsOpen();
        List<WorkspaceSettings> all = WorkspaceSettings.resolveAll(properties);
        ExecutorService starter = Executors.newFixedThreadPool(Math.min(all.size(), Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Workspace>> started = new ArrayList<>();
            for (WorkspaceSettings settings : all) {
                started.add(starter.submit(() -> {
                    Workspace workspace = new Workspace(settings, properties, cloudIdentities);
                    try {
                        workspace.start();
                    } catch (IOException | RuntimeException e) {
                        workspace.close();
                        throw e;
                    }
                    return workspace;
                }));
            }
            Exception failure = null;
            for (Future<Workspace> future : started) {
                try {
                    Workspace workspace = future.get();
                    workspaces.put(workspace.name(), workspace);
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (Exception e) {
            close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("Cannot start the workspace emulator", io);
            }
            throw new IllegalStateException("Cannot start the workspace emulator", cause);
        } finally {
            starter.shutdown();
        }
        return this;
    }

    /** Base URL ({@code http://127.0.0.1:<port>}) of a workspace. */
    public String workspaceUrl(String name) {
        return workspace(name).url();
    }

    public synchronized Workspace workspace(String name) {
        Workspace workspace = workspaces.get(name);
        if (workspace == null) {
            throw new IllegalArgumentException("No emulated workspace named '" + name + "'; known: " + workspaces.keySet());
        }
        return workspace;
    }

    public synchronized Map<String, String> workspaceUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        workspaces.forEach((name, ws) -> urls.put(name, ws.url()));
        return urls;
    }

    public CloudIdentityProviders cloudIdentities() {
        return cloudIdentities;
    }

    public synchronized List<Workspace> workspaces() {
        return List.copyOf(workspaces.values());
    }

    @Override
    public synchronized void close() {
        workspaces.values().forEach(Workspace::close);
        workspaces.clear();
    }
}
